"""Identity resolution: identify creates or updates contacts, stitching attaches earlier anonymous
activity, alias and user ids link, a second contact for one person merges."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from smarketing.events.models import Identity, Touchpoint
from smarketing.events.processing.identity import stitch_recent
from smarketing.lifecycle.models import StageTransition
from smarketing.people.models import Account, Contact
from tests.events.messages import SITE, alias, identify, page, track
from tests.factories import ContactFactory, ContentAssetFactory


def stage_moves(contact: Contact) -> list[tuple[str, str, str]]:
    rows = StageTransition.objects.filter(contact=contact).order_by("at", "id")
    return [(t.from_stage, t.to_stage, t.by_rule) for t in rows]


def test_identify_creates_a_subscriber_linked_to_its_company_account(send, process):
    send(
        identify(
            "anon-1",
            email="Jane.Doe@Acme.io",
            firstName="Jane",
            lastName="Doe",
            title="CTO",
            phone="+49 30 1234",
            company={"name": "Acme GmbH"},
        )
    )
    assert process() == 1
    jane = Contact.objects.get()
    assert (jane.email, jane.first_name, jane.last_name, jane.title, jane.phone) == (
        "jane.doe@acme.io",
        "Jane",
        "Doe",
        "CTO",
        "+49 30 1234",
    )
    assert (jane.account.domain, jane.account.name) == ("acme.io", "Acme GmbH")
    assert jane.lifecycle_stage == "subscriber"
    assert stage_moves(jane) == [("", "subscriber", "event: identify")]
    assert Identity.objects.get(kind="anonymous", value="anon-1").contact == jane


def test_the_domain_is_a_provisional_account_name_until_a_company_is_named(send, process):
    send(identify("anon-1", email="ann@globex.com"))
    process()
    assert Account.objects.get().name == "globex.com"
    send(identify("anon-2", email="bob@globex.com", company="Globex Corporation"))
    process()
    account = Account.objects.get()
    assert account.name == "Globex Corporation"
    assert set(account.contacts.values_list("email", flat=True)) == {
        "ann@globex.com",
        "bob@globex.com",
    }


def test_free_mail_links_no_account(send, process):
    send(
        identify("a", email="someone@gmail.com", company="Initech"),
        identify("b", email="other@yahoo.co.uk"),
        identify("c", email="third@hotmail.de"),
    )
    process()
    assert Contact.objects.count() == 3
    assert not Contact.objects.filter(account__isnull=False).exists()
    assert not Account.objects.exists()


def test_identify_by_user_id_updates_traits_and_a_changed_email(send, process):
    send(identify(user_id="u-7", email="max@initech.com", firstName="Max"))
    process()
    send(identify(user_id="u-7", email="max.mustermann@initech.com", title="Head of IT"))
    process()
    max_ = Contact.objects.get()
    assert (max_.email, max_.first_name, max_.title) == (
        "max.mustermann@initech.com",
        "Max",
        "Head of IT",
    )


def test_a_form_fill_with_an_email_creates_a_lead_with_its_form(send, process):
    guide = ContentAssetFactory(url=f"{SITE}/ebook/guide")
    send(
        track(
            "Form Submitted",
            "anon-9",
            path="/ebook/guide",
            properties={
                "form_id": "ebook-download",
                "email": "lea@umbrella.com",
                "first_name": "Lea",
                "company": "Umbrella",
            },
        )
    )
    process()
    lea = Contact.objects.get()
    assert (lea.email, lea.first_name, lea.account.name) == ("lea@umbrella.com", "Lea", "Umbrella")
    assert stage_moves(lea) == [("", "lead", "event: form")]
    form = Touchpoint.objects.get()
    assert form.content == guide
    assert (form.kind, form.form, form.contact, form.path) == (
        "form",
        "ebook-download",
        lea,
        "/ebook/guide",
    )


def test_the_snippets_identify_with_a_form_fill_makes_a_lead_at_once(send, process):
    # st.js sends an identify with the form's traits and a Form Submitted track together.
    send(
        identify("anon-3", email="kim@hooli.com", firstName="Kim"),
        track("Form Submitted", "anon-3", properties={"form_id": "contact-sales"}),
    )
    process()
    kim = Contact.objects.get()
    assert stage_moves(kim) == [("", "lead", "event: form")]
    assert Touchpoint.objects.get().contact == kim


def test_a_newsletter_form_makes_a_subscriber_and_keeps_one(send, process):
    send(
        identify("anon-5", email="reader@hooli.com"),
        track("Form Submitted", "anon-5", properties={"form_id": "newsletter-signup"}),
    )
    process()
    send(track("Form Submitted", "anon-5", properties={"form_name": "Subscribe to the blog"}))
    process()
    reader = Contact.objects.get()
    assert stage_moves(reader) == [("", "subscriber", "event: identify")]
    assert Touchpoint.objects.filter(kind="form").count() == 2


def test_a_later_lead_form_in_the_same_batch_does_not_make_the_signup_a_lead(send, process):
    signed_up = timezone.now() - dt.timedelta(days=20)
    downloaded = signed_up + dt.timedelta(days=10)
    send(
        identify("anon-6", email="later@hooli.com", at=signed_up),
        track("Form Submitted", "anon-6", properties={"form_id": "newsletter"}, at=signed_up),
        track("Form Submitted", "anon-6", properties={"form_id": "ebook"}, at=downloaded),
    )
    process()
    later = Contact.objects.get()
    assert stage_moves(later) == [
        ("", "subscriber", "event: identify"),
        ("subscriber", "lead", "event: form"),
    ]
    assert later.transitions.get(to_stage="lead").at == downloaded


def test_a_subscriber_filling_a_form_becomes_a_lead(send, process):
    send(identify("anon-4", email="sub@hooli.com"))
    process()
    send(track("Form Submitted", "anon-4", properties={"form_name": "Demo request"}))
    process()
    sub = Contact.objects.get()
    assert stage_moves(sub) == [
        ("", "subscriber", "event: identify"),
        ("subscriber", "lead", "event: form"),
    ]
    assert Touchpoint.objects.get().form == "Demo request"


def test_a_form_fill_does_not_move_a_contact_past_lead_back(send, process):
    send(identify("anon-5", email="opp@hooli.com"))
    process()
    contact = Contact.objects.get()
    from smarketing.lifecycle.services import stage_transition

    stage_transition(contact=contact, to_stage="sql", by_rule="test")
    send(track("Form Submitted", "anon-5", properties={"form_id": "webinar"}))
    process()
    contact.refresh_from_db()
    assert contact.lifecycle_stage == "sql"


def test_anonymous_browsing_is_attached_once_the_visitor_fills_a_form(send, process):
    send(
        page("visitor", path="/blog/first-post", referrer="https://www.google.com/"),
        page("visitor", path="/pricing", referrer="https://www.smarketing-demo.test/blog"),
    )
    process()
    assert Touchpoint.objects.filter(contact__isnull=True).count() == 2
    send(
        identify("visitor", email="ivy@pied-piper.com"),
        track("Form Submitted", "visitor", properties={"form_id": "demo"}),
    )
    process()
    ivy = Contact.objects.get()
    assert Touchpoint.objects.filter(contact=ivy, account=ivy.account).count() == 3
    # Where ivy came from is her first visit (organic search), not the form.
    assert ivy.source_channel == "organic_search"


def test_stitching_in_one_batch(send, process):
    send(
        page("v2", path="/", campaign={"source": "newsletter", "medium": "email", "name": "March"}),
        identify("v2", email="joe@vandelay.com"),
    )
    process()
    joe = Contact.objects.get()
    tp = Touchpoint.objects.get()
    assert tp.contact == joe
    assert (joe.source_channel, joe.source_campaign.utm_campaign) == ("email", "march")


def test_a_backends_events_by_user_id_are_attached_when_the_user_is_identified(send, process):
    send(track("Webinar Attended", user_id="u-42", properties={"webinar": "Q2"}))
    process()
    send(identify(user_id="u-42", email="ann@soylent.com"))
    process()
    assert Touchpoint.objects.get().contact == Contact.objects.get()


def test_a_browser_seen_with_a_user_id_before_its_email_joins_the_contact(send, process):
    send(page("browser-1", path="/features"), identify("browser-1", user_id="u-1"))
    process()
    assert not Contact.objects.exists()  # a user id alone names no one we can create
    send(identify(user_id="u-1", email="liz@wayne.com"))
    process()
    liz = Contact.objects.get()
    assert Touchpoint.objects.get().contact == liz
    assert Identity.objects.get(kind="anonymous", value="browser-1").contact == liz


def test_alias_links_an_anonymous_id_to_a_user_and_stitches(send, process):
    send(page("anon-x", path="/docs"), identify(user_id="u-9", email="al@stark.com"))
    process()
    assert Touchpoint.objects.get().contact is None
    send(alias("anon-x", "u-9"))
    process()
    al = Contact.objects.get()
    assert Touchpoint.objects.get().contact == al
    assert Identity.objects.get(kind="anonymous", value="anon-x").contact == al


def test_alias_of_two_known_people_merges_them(send, process):
    send(
        identify("anon-old", email="old@stark.com"),
        identify(user_id="u-new", email="new@stark.com"),
    )
    send(page("anon-old", path="/"))
    process()
    send(alias("anon-old", "u-new"))
    process()
    kept = Contact.objects.get()
    assert kept.email == "new@stark.com"
    assert Touchpoint.objects.get().contact == kept


def test_a_browser_known_as_one_contact_identifying_as_another_merges_them(send, process):
    send(identify("shared", email="a@cyberdyne.com", title="Engineer"), page("shared", path="/a"))
    process()
    other = ContactFactory(email="b@cyberdyne.com", account=None, first_name="Bea", title="")
    send(identify("shared", email="b@cyberdyne.com"))
    process()
    kept = Contact.objects.get()
    assert kept.pk == other.pk
    assert (kept.first_name, kept.title) == ("Bea", "Engineer")
    assert Touchpoint.objects.get().contact == kept
    assert StageTransition.objects.get().contact == kept
    assert Identity.objects.get(value="shared").contact == kept


def test_a_new_email_on_a_known_browser_is_a_new_person(send, process):
    send(identify("booth", email="first@tyrell.com"), page("booth", path="/one"))
    process()
    send(identify("booth", email="second@tyrell.com"), page("booth", path="/two"))
    process()
    first, second = (Contact.objects.get(email=f"{n}@tyrell.com") for n in ("first", "second"))
    assert Touchpoint.objects.get(path="/one").contact == first
    assert Touchpoint.objects.get(path="/two").contact == second
    assert Identity.objects.get(value="booth").contact == second


def test_an_email_the_contact_model_refuses_skips_only_that_identify(send, process):
    send(identify("odd", email="x" * 70 + "@" + "d" * 190 + ".com"), page("odd", path="/"))
    assert process() == 2
    assert not Contact.objects.exists()
    assert Touchpoint.objects.get().contact is None


def test_context_traits_name_the_person_on_any_event(send, process):
    send(identify("r1", email="rudder@lumon.com"))
    process()
    # RudderStack's browser SDK sends the identified traits in every event's context.
    send(track("Email Link Clicked", "r2", traits={"email": "rudder@lumon.com"}))
    process()
    contact = Contact.objects.get()
    assert Touchpoint.objects.get().contact == contact
    assert Identity.objects.get(value="r2").contact == contact


def test_the_sweep_restitches_touchpoints_that_raced_with_a_link(send, process):
    send(page("late", path="/x"), track("Webinar Attended", user_id="u-late"))
    process()
    # Another worker linked both ids while these touchpoints were being written.
    contact = ContactFactory()
    Identity.objects.create(kind="anonymous", value="late", contact=contact)
    Identity.objects.create(kind="user", value="u-late", contact=contact)
    assert stitch_recent() == 2
    assert set(Touchpoint.objects.values_list("contact", "account")) == {
        (contact.pk, contact.account_id)
    }
    assert stitch_recent() == 0


def test_a_form_that_names_itself_is_not_read_as_a_person(send, process):
    send(identify("f1", email="fay@umbrella.com", firstName="Fay"))
    process()
    send(track("Form Submitted", "f1", properties={"name": "Contact us", "title": "Sales form"}))
    process()
    fay = Contact.objects.get()
    assert (fay.first_name, fay.last_name, fay.title) == ("Fay", "", "")
    assert fay.lifecycle_stage == "lead"


def test_a_contact_deleted_while_a_batch_runs_is_looked_up_again(send, process, monkeypatch):
    from smarketing.events.processing import people_sync

    send(identify("d1", email="del@umbrella.com"))
    process()
    original = people_sync.identify_apply
    calls = []

    def delete_first(**kwargs):
        calls.append(1)
        if len(calls) == 1:  # a person deletes the contact just as the batch reaches it
            Contact.objects.all().delete()
        return original(**kwargs)

    monkeypatch.setattr(people_sync, "identify_apply", delete_first)
    send(identify("d1", email="del@umbrella.com", firstName="Del"))
    process()
    contact = Contact.objects.get()
    assert (contact.email, contact.first_name) == ("del@umbrella.com", "Del")
    assert Identity.objects.get(value="d1").contact == contact
