"""The import pages: upload → preview → run → result, the queue path, permissions, export."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from huey.contrib.djhuey import HUEY

from smarketing.errors import InvalidInput
from smarketing.handoff.models import Activity
from smarketing.imports import services, tasks
from smarketing.imports.models import ImportJob, JobStatus
from smarketing.people.models import Contact
from tests.factories import ContactFactory
from tests.imports.conftest import DATA

pytestmark = pytest.mark.django_db


@pytest.fixture
def immediate_queue():
    previous = HUEY.immediate
    HUEY.immediate = True
    yield
    HUEY.immediate = previous


def upload(client, name: str, kind: str = "contacts", **extra):
    data = {"kind": kind, "mapping": "auto", "encoding": "", **extra}
    data["file"] = SimpleUploadedFile(name, (DATA / name).read_bytes(), "text/csv")
    return client.post(reverse("imports:upload"), data)


def test_upload_page_lists_kinds_and_exports(client, marketer):
    client.force_login(marketer)
    page = client.get(reverse("imports:upload"))
    assert page.status_code == 200
    assert b'name="file"' in page.content
    assert reverse("imports:export", args=["deals"]).encode() in page.content


def test_upload_preview_run_result(client, marketer, immediate_queue):
    client.force_login(marketer)

    response = upload(client, "hubspot_contacts.csv")
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("imports:job", args=[job.pk])
    assert (job.status, job.created_by, job.filename) == (
        JobStatus.DRAFT,
        marketer,
        "hubspot_contacts.csv",
    )

    preview = client.get(response["Location"])
    text = preview.content.decode()
    assert "4 rows of contacts, HubSpot columns" in text
    mapping = text[text.index('id="column-mapping"') : text.index('id="preview-rows"')]
    assert '<td>Record ID</td><td><span class="muted">ignored</span>' in mapping
    assert "<td>Lifecycle Stage</td><td><code>lifecycle_stage</code>" in mapping
    assert "ada@analytical.example" in text and "organic_search" in text
    assert Contact.objects.count() == 0, "the preview writes nothing"

    result = client.post(reverse("imports:run", args=[job.pk]))
    assert result.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.created, job.rejected, job.written) == (JobStatus.DONE, 4, 0, True)
    assert Contact.objects.count() == 4
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert 'id="count-created">4<' in page
    assert 'hx-trigger="every 2s"' not in page, "a finished job stops polling"


def test_preview_shows_row_errors_and_the_report_downloads(client, marketer, immediate_queue):
    client.force_login(marketer)
    upload(client, "bad_contacts.csv")
    job = ImportJob.objects.get()

    text = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "Email: &#x27;not-an-email&#x27; is not an email address" in text
    assert "unknown lifecycle stage &#x27;Hot Prospect&#x27;" in text

    client.post(reverse("imports:run", args=[job.pk]))
    job.refresh_from_db()
    assert (job.created, job.rejected) == (2, 3)
    assert list(job.rejected_rows.values_list("line", "column")) == [
        (3, "Email"),
        (4, "Lifecycle Stage"),
        (5, "Country/Region"),
    ]
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert reverse("imports:rejected", args=[job.pk]) in page
    report = client.get(reverse("imports:rejected", args=[job.pk]))
    assert report["Content-Disposition"] == 'attachment; filename="bad_contacts.rejected.csv"'
    rows = list(csv.DictReader(io.StringIO(report.content.decode())))
    assert [r["line"] for r in rows] == ["3", "4", "5"]
    assert rows[0]["Email"] == "not-an-email"


def test_atomic_upload_writes_nothing_when_rows_are_bad(client, marketing_leader, immediate_queue):
    client.force_login(marketing_leader)
    upload(client, "bad_contacts.csv", atomic="on")
    job = ImportJob.objects.get()
    client.post(reverse("imports:run", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.rejected, job.written) == (JobStatus.DONE, 3, False)
    assert Contact.objects.count() == 0
    assert (
        "nothing was written" in client.get(reverse("imports:job", args=[job.pk])).content.decode()
    )


def test_large_imports_go_to_the_queue_and_the_page_polls(
    client, marketer, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(tasks, "SYNC_ROWS", 1)
    queued: list[int] = []
    monkeypatch.setattr(tasks, "import_job_run", queued.append)
    previous = HUEY.immediate
    HUEY.immediate = False
    try:
        client.force_login(marketer)
        upload(client, "hubspot_contacts.csv")
        job = ImportJob.objects.get()
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("imports:run", args=[job.pk]))
    finally:
        HUEY.immediate = previous
    assert queued == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.total_rows) == (JobStatus.QUEUED, 4)
    status = client.get(reverse("imports:status", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert b'hx-trigger="every 2s"' in status.content

    services.job_run(job_id=job.pk)
    assert services.job_run(job_id=job.pk) is None, "a repeated task does nothing"
    status = client.get(reverse("imports:status", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert b"hx-trigger" not in status.content
    assert b'id="count-created">4<' in status.content
    assert Contact.objects.count() == 4


def test_options_change_the_mapping(client, marketer):
    client.force_login(marketer)
    data = b"Adresse,Vorname\nann@x.example,Ann\n"
    client.post(
        reverse("imports:upload"),
        {"kind": "contacts", "mapping": "auto", "file": SimpleUploadedFile("de.csv", data)},
    )
    job = ImportJob.objects.get()
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "no column for the required field email" in page
    assert 'id="run-import"' not in page

    response = client.post(
        reverse("imports:options", args=[job.pk]),
        {
            "kind": "contacts",
            "mapping": "custom",
            "custom_mapping": json.dumps({"Adresse": "email", "Vorname": "first_name"}),
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "custom mapping over Smarketing names" in page
    assert "<td>Adresse</td><td><code>email</code>" in page

    bad = client.post(
        reverse("imports:options", args=[job.pk]),
        {"kind": "contacts", "mapping": "custom", "custom_mapping": '{"Adresse": "shoe"}'},
    )
    assert bad.status_code == 400
    assert "not a field of contacts" in bad.content.decode()


def test_a_file_that_cannot_be_read_fails_the_job(client, marketer):
    client.force_login(marketer)
    client.post(
        reverse("imports:upload"),
        {"kind": "contacts", "mapping": "auto", "file": SimpleUploadedFile("x.csv", b"Name\nA\n")},
    )
    job = ImportJob.objects.get()
    client.post(reverse("imports:run", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "required field email" in job.error


def test_sales_users_may_import_only_activities(client, rep):
    client.force_login(rep)
    page = client.get(reverse("imports:upload")).content.decode()
    assert '<option value="activities"' in page and '<option value="contacts"' not in page
    response = client.post(
        reverse("imports:upload"),
        {
            "kind": "contacts",
            "mapping": "auto",
            "file": SimpleUploadedFile("x.csv", b"Email\na@x.example\n"),
        },
    )
    assert "Select a valid choice" in response.content.decode()
    assert ImportJob.objects.count() == 0
    with pytest.raises(InvalidInput, match="a sales user may import activities, not contacts"):
        services.job_create(by_user=rep, kind="contacts", filename="x.csv", data=b"Email\n")


def test_sales_users_import_their_own_activities_only(client, rep, marketer, immediate_queue):
    ContactFactory(email="lead@acme.example")
    data = (
        b"external_id,kind,contact_email,occurred_at,subject,user_email\n"
        b"a-1,Call,lead@acme.example,2024-03-05 10:00,Intro call,sam@example.com\n"
        b"a-2,Email,lead@acme.example,2024-03-05 11:00,Follow-up,\n"
        b"a-3,Call,lead@acme.example,2024-03-06 10:00,Not mine,mia@example.com\n"
    )
    client.force_login(rep)
    client.post(
        reverse("imports:upload"),
        {"kind": "activities", "mapping": "auto", "file": SimpleUploadedFile("a.csv", data)},
    )
    job = ImportJob.objects.get()
    client.post(reverse("imports:run", args=[job.pk]))
    job.refresh_from_db()
    assert (job.created, job.rejected) == (2, 1)
    assert set(Activity.objects.values_list("external_id", "user")) == {
        ("a-1", rep.pk),
        ("a-2", rep.pk),
    }
    (row,) = job.rejected_rows.all()
    assert (row.line, row.column) == (4, "user_email")
    assert "only your own activities" in row.reason


def test_sales_users_may_not_see_or_run_a_job_of_someone_else(client, rep, marketer):
    job = services.job_create(
        by_user=marketer, kind="contacts", filename="x.csv", data=b"Email\na@x.example\n"
    )
    client.force_login(rep)
    assert client.get(reverse("imports:job", args=[job.pk])).status_code == 404
    assert client.post(reverse("imports:run", args=[job.pk])).status_code == 404
    assert f"/import/{job.pk}/" not in client.get(reverse("imports:upload")).content.decode()
    job.refresh_from_db()
    assert job.status == JobStatus.DRAFT


def test_export_download(client, rep):
    ContactFactory(email="one@x.example")
    client.force_login(rep)
    response = client.get(reverse("imports:export", args=["contacts"]))
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode()
    assert text.splitlines()[0].startswith("email,first_name")
    assert "one@x.example" in text
    assert client.get(reverse("imports:export", args=["secrets"])).status_code == 404


def test_oversized_uploads_are_refused(marketer, monkeypatch):
    monkeypatch.setattr(services, "MAX_UPLOAD_BYTES", 10)
    with pytest.raises(InvalidInput, match="up to 0 MB can be uploaded"):
        services.job_create(
            by_user=marketer, kind="contacts", filename="x.csv", data=b"Email\na@x.example\n"
        )
