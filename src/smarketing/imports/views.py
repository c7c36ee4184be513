"""Import pages: upload → preview of the mapping → run → result. Export downloads."""

from __future__ import annotations

import csv
import re
from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from smarketing.errors import InvalidInput
from smarketing.imports import services, tasks
from smarketing.imports.exports import EXPORT_KINDS, export_rows
from smarketing.imports.forms import ImportOptionsForm, UploadForm
from smarketing.imports.mappings import Kind
from smarketing.imports.models import KIND_CHOICES, ImportJob, JobStatus
from smarketing.org import permissions
from smarketing.web.guard import apply_errors, guarded

SECTION = "imports:upload"
RECENT_JOBS = 10
SHOWN_REJECTED = 100


def _jobs(user: Any) -> QuerySet[ImportJob]:
    """The jobs the user may see: all of them with "import.run", else (a rep importing their
    activities) their own."""
    # The file is loaded only by the pages that read it (preview, run), not by every poll.
    qs = ImportJob.objects.select_related("created_by").defer("data")
    return qs if permissions.can(user, "import.run") else qs.filter(created_by=user)


def _job(request: HttpRequest, pk: int) -> ImportJob:
    return get_object_or_404(_jobs(request.user), pk=pk)


def _kinds(request: HttpRequest) -> list[str]:
    return permissions.import_kinds_for(request.user, [k for k, _ in KIND_CHOICES])


@guarded("activity.import")
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST or None, request.FILES or None, kinds=_kinds(request))
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            job = services.job_create(
                by_user=request.user,
                filename=upload_file.name,
                data=upload_file.read(),
                **form.job_options(),
            )
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            return redirect("imports:job", pk=job.pk)
    jobs = _jobs(request.user)[:RECENT_JOBS]
    context = {"form": form, "jobs": jobs, "export_kinds": EXPORT_KINDS, "section": SECTION}
    return render(request, "imports/upload.html", context)


def _preview_page(
    request: HttpRequest, job: ImportJob, form: ImportOptionsForm | None = None, status: int = 200
) -> HttpResponse:
    kinds = _kinds(request)
    form = form or ImportOptionsForm(initial=ImportOptionsForm.initial_for(job), kinds=kinds)
    preview = services.job_preview(job=job)
    context: dict[str, Any] = {"job": job, "form": form, "preview": preview, "section": SECTION}
    if preview.result is not None:
        mapped = [f for f in preview.mapping.fields if f] if preview.mapping else []
        fields = list(dict.fromkeys(mapped))
        context["fields"] = fields
        context["rows"] = [
            (row, [row.values.get(f, "") for f in fields]) for row in preview.result.rows
        ]
    return render(request, "imports/preview.html", context, status=status)


@guarded("activity.import")
@require_GET
def job_page(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if job.status == JobStatus.DRAFT:
        return _preview_page(request, job)
    return render(request, "imports/job.html", _result_context(job))


@guarded("activity.import")
@require_POST
def job_options(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    form = ImportOptionsForm(request.POST, kinds=_kinds(request))
    if form.is_valid():
        try:
            services.job_configure(job=job, **form.job_options())
        except InvalidInput as exc:
            apply_errors(form, exc)
        else:
            return redirect("imports:job", pk=job.pk)
    return _preview_page(request, job, form, status=400)


@guarded("activity.import")
@require_POST
def job_run(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if job.status == JobStatus.DRAFT:
        tasks.job_dispatch(job=job)
    return redirect("imports:job", pk=job.pk)


def _result_context(job: ImportJob) -> dict[str, Any]:
    rejected = list(job.rejected_rows.all()[:SHOWN_REJECTED]) if job.is_finished else []
    percent = round(100 * job.processed_rows / job.total_rows) if job.total_rows else 0
    return {"job": job, "rejected": rejected, "percent": percent, "section": SECTION}


@guarded("activity.import")
@require_GET
def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    """The part of the job page htmx polls until the job is finished."""
    return render(request, "imports/_status.html", _result_context(_job(request, pk)))


@guarded("activity.import")
@require_GET
def job_rejected(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    response = HttpResponse(services.job_report(job=job), content_type="text/csv; charset=utf-8")
    stem = re.sub(r"[^\w.-]+", "_", job.filename.rsplit(".", 1)[0]) or "import"
    response["Content-Disposition"] = f'attachment; filename="{stem}.rejected.csv"'
    return response


class _Echo:
    """A file-like object whose write hands the line back, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


@guarded("export.run")
@require_GET
def export(request: HttpRequest, kind: str) -> StreamingHttpResponse:
    if kind not in {k.value for k in EXPORT_KINDS}:
        raise Http404(f"nothing to export called {kind!r}")
    writer = csv.writer(_Echo())
    rows = (writer.writerow(row) for row in export_rows(Kind(kind)))
    response = StreamingHttpResponse(rows, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}.csv"'
    return response
