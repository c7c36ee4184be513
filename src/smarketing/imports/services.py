"""Import jobs from the web UI: create from an upload, preview, start, run (idempotently)."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from smarketing.errors import InvalidInput, full_clean
from smarketing.imports import runner
from smarketing.imports.csvfile import CsvTable, report_write
from smarketing.imports.mappings import (
    FIELDS,
    ColumnMapping,
    FileError,
    Format,
    Kind,
    overrides_parse,
)
from smarketing.imports.models import ImportJob, ImportRejectedRow, JobStatus
from smarketing.org import permissions

PREVIEW_ROWS = 5
# Uploads are kept in the database; larger files belong to the command line, which streams nothing
# through the web process.
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
KINDS = frozenset(k.value for k in Kind)


def _options_check(kind: str, mapping: str, overrides: Any) -> dict[str, str | None]:
    errors: dict[str, list[str]] = {}
    if kind not in KINDS:
        errors["kind"] = [f"{kind!r} is not one of {', '.join(Kind)}"]
    if mapping not in runner.MAPPING_CHOICES:
        errors["mapping"] = [f"{mapping!r} is not one of {', '.join(runner.MAPPING_CHOICES)}"]
    try:
        checked = overrides_parse(overrides or {})
    except FileError as exc:
        errors["overrides"] = [str(exc)]
        checked = {}
    if not errors:
        fields = FIELDS[Kind(kind)]
        unknown = sorted({t for t in checked.values() if t and t not in fields})
        if unknown:
            errors["overrides"] = [
                f"{', '.join(unknown)} is not a field of {kind} (fields: {', '.join(fields)})"
            ]
    if errors:
        raise InvalidInput(errors)
    return checked


def _kind_allowed_check(user: Any, kind: str) -> None:
    if user is None:  # an operator's job, or one whose author was deleted
        return
    allowed = permissions.import_kinds_for(user, sorted(KINDS))
    if kind in KINDS and kind not in allowed:
        raise InvalidInput(
            f"a {user.role} user may import {' and '.join(allowed) or 'nothing'}, not {kind}",
            field="kind",
        )


def job_create(
    *,
    by_user: Any,
    kind: str,
    filename: str,
    data: bytes,
    mapping: str = "auto",
    overrides: dict[str, str | None] | None = None,
    encoding: str = "",
    day_first: bool = False,
    atomic: bool = False,
) -> ImportJob:
    _kind_allowed_check(by_user, kind)
    checked = _options_check(kind, mapping, overrides)
    if not data:
        raise InvalidInput("the file is empty", field="file")
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInput(
            f"the file has {len(data) / 1024 / 1024:.0f} MB; up to "
            f"{MAX_UPLOAD_BYTES // 1024 // 1024} MB can be uploaded, larger files import with "
            "`smarketing import`",
            field="file",
        )
    job = ImportJob(
        kind=kind,
        mapping=mapping,
        overrides=checked,
        filename=filename[:255],
        data=data,
        encoding=encoding,
        day_first=day_first,
        atomic=atomic,
        created_by=by_user,
    )
    full_clean(job)
    job.save()
    return job


def job_configure(
    *,
    job: ImportJob,
    kind: str,
    mapping: str,
    overrides: dict[str, str | None] | None,
    encoding: str,
    day_first: bool,
    atomic: bool,
) -> ImportJob:
    """Change the choices of a job that has not started yet."""
    if job.status != JobStatus.DRAFT:
        raise InvalidInput("the import has started; its choices can no longer change")
    _kind_allowed_check(job.created_by, kind)
    job.overrides = _options_check(kind, mapping, overrides)
    job.kind, job.mapping, job.encoding = kind, mapping, encoding
    job.day_first, job.atomic = day_first, atomic
    full_clean(job)
    job.save(update_fields=["kind", "mapping", "overrides", "encoding", "day_first", "atomic"])
    return job


def job_prepare(job: ImportJob) -> tuple[CsvTable, ColumnMapping]:
    """The job's file read and mapped; raises FileError."""
    fmt = None if job.mapping == "auto" else Format(job.mapping)
    return runner.import_prepare(
        bytes(job.data),
        kind=Kind(job.kind),
        format=fmt,
        overrides=job.overrides or None,
        encoding=job.encoding or None,
    )


@dataclass
class Preview:
    mapping: ColumnMapping | None = None
    table: CsvTable | None = None
    result: runner.ImportResult | None = None
    error: str = ""
    columns: list[tuple[str, str | None, str]] = field(default_factory=list)


def job_preview(*, job: ImportJob, limit: int = PREVIEW_ROWS) -> Preview:
    """The mapping, and the first rows as they would be imported (a dry run that writes nothing)."""
    try:
        table, mapping = job_prepare(job)
    except FileError as exc:
        return Preview(error=str(exc))
    first = table.rows[0].cells if table.rows else []
    columns = [
        (name, target, first[i] if i < len(first) else "")
        for i, (name, target) in enumerate(zip(mapping.header, mapping.fields, strict=True))
    ]
    result = runner.import_run(
        table=table,
        mapping=mapping,
        source_name=job.filename,
        dry_run=True,
        day_first=job.day_first,
        by_user=job.created_by,
        rows=table.rows[:limit],
        keep_rows=True,
    )
    return Preview(mapping=mapping, table=table, result=result, columns=columns)


def job_start(*, job: ImportJob) -> bool:
    """Queue a draft job (once); a file that cannot be read fails it here. True if queued."""
    try:
        table, mapping = job_prepare(job)
    except FileError as exc:
        ImportJob.objects.filter(pk=job.pk, status=JobStatus.DRAFT).update(
            status=JobStatus.FAILED, error=str(exc), finished_at=timezone.now()
        )
        job.refresh_from_db()
        return False
    claimed = ImportJob.objects.filter(pk=job.pk, status=JobStatus.DRAFT).update(
        status=JobStatus.QUEUED,
        total_rows=len(table.rows),
        format_label=mapping.label,
        header=list(table.header),
    )
    job.refresh_from_db()
    return bool(claimed)


def job_run(*, job_id: int) -> ImportJob | None:
    """Run a queued job. The conditional claim makes a repeated or duplicated task a no-op."""
    claimed = ImportJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
        status=JobStatus.RUNNING, started_at=timezone.now()
    )
    if not claimed:
        return None
    job = ImportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        table, mapping = job_prepare(job)
        result = runner.import_run(
            table=table,
            mapping=mapping,
            source_name=job.filename,
            atomic=job.atomic,
            day_first=job.day_first,
            by_user=job.created_by,
            checkpoint=lambda r: _progress_save(job.pk, r),
        )
    except FileError as exc:
        _fail(job, str(exc))
        return job
    except Exception as exc:
        _fail(job, f"the import stopped on an unexpected error: {exc}")
        raise
    _result_save(job, result)
    return job


def _counts(result: runner.ImportResult) -> dict[str, int]:
    return {
        "processed_rows": result.total,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
        "rejected": len(result.rejected),
    }


def _progress_save(job_id: int, result: runner.ImportResult) -> None:
    ImportJob.objects.filter(pk=job_id).update(**_counts(result))


def _fail(job: ImportJob, error: str) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.FAILED, error=error, finished_at=timezone.now()
    )
    job.refresh_from_db()


@transaction.atomic
def _result_save(job: ImportJob, result: runner.ImportResult) -> None:
    job.rejected_rows.all().delete()
    ImportRejectedRow.objects.bulk_create(
        [
            ImportRejectedRow(job=job, line=r.line, column=r.column, reason=r.reason, cells=r.cells)
            for r in result.rejected
        ],
        batch_size=500,
    )
    for name, value in _counts(result).items():
        setattr(job, name, value)
    job.accounts_created = result.accounts_created
    job.written = result.written
    job.status = JobStatus.DONE
    job.finished_at = timezone.now()
    job.save(
        update_fields=[*_counts(result), "accounts_created", "written", "status", "finished_at"]
    )


def job_report(*, job: ImportJob) -> str:
    """The rejected rows as CSV: line, column, reason, then the row's cells."""
    out = io.StringIO()
    report_write(
        out,
        header=job.header,
        rejected=((r.line, r.column, r.reason, r.cells) for r in job.rejected_rows.all()),
    )
    return out.getvalue()
