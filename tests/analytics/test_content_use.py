"""Content sales uses: the links reps put in their emails, calls and meetings, read by the
performance page's content table and by alignment health."""

from __future__ import annotations

import datetime as dt

import pytest

from smarketing.analytics.content_use import assets_linked, content_sent, url_key
from smarketing.content.models import ContentAsset
from smarketing.handoff.models import Activity
from tests.factories import ContactFactory

UTC = dt.UTC
SINCE = dt.datetime(2026, 3, 1, tzinfo=UTC)
UNTIL = dt.datetime(2026, 4, 1, tzinfo=UTC)


def test_url_key_drops_scheme_www_and_trailing_slash():
    assert url_key("https://www.Lumen.example/Guides/SLA/") == "lumen.example/guides/sla"
    assert url_key("lumen.example/guides/sla") == "lumen.example/guides/sla"


def test_assets_linked_finds_each_asset_written_in_the_text():
    keys = {"lumen.example/guides/sla": 1, "lumen.example/case/acme": 2}
    text = "Here is the guide: https://lumen.example/guides/sla?utm_source=rep and more"
    assert assets_linked(text, keys=keys) == {1}
    assert assets_linked("nothing here", keys=keys) == frozenset()


@pytest.mark.django_db
def test_content_sent_reads_sales_activities_with_links_in_the_window(rep):
    guide = ContentAsset.objects.create(
        title="SLA guide", funnel_stage="mofu", url="https://lumen.example/guides/sla"
    )
    ContentAsset.objects.create(title="No page", funnel_stage="tofu")
    ann, ben = ContactFactory(), ContactFactory()

    def log(contact, kind: str, day: int, body: str) -> None:
        Activity.objects.create(
            contact=contact,
            user=rep,
            kind=kind,
            occurred_at=dt.datetime(2026, 3, day, 10, tzinfo=UTC),
            body=body,
        )

    log(ann, "email", 2, "The guide: https://lumen.example/guides/sla")
    log(ben, "meeting", 3, "Walked through lumen.example/guides/sla/ (https://x.example)")
    log(ann, "email", 4, "A link elsewhere: https://x.example/pricing")
    log(ann, "email", 5, "No link at all")
    log(ann, "note", 6, "https://lumen.example/guides/sla")  # a note is not sent to anyone
    found = content_sent(since=SINCE, until=UNTIL)
    assert sorted((s.kind, s.assets) for s in found) == [
        ("email", frozenset()),
        ("email", frozenset({guide.pk})),
        ("meeting", frozenset({guide.pk})),
    ]
