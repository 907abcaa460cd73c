"""Compilation PDFs made in the background. A viewer asks for the PDF of what they see of a
cycle; the worker compiles the submissions (its progress counted in participants), lays the
PDF out into ``THIQA_COMPILATION_DIR`` and the page offers the download.

A job is keyed by cycle, language and audience key (``compilation.audience_key``: the
submitted versions the viewer may read), under a unique constraint: a second request for
the same key joins the job instead of starting another render, and a file made for one
audience is never served to another (the policy compares the reader's key with the file's).

Asking for the PDF and downloading it are audited here, once for the pages and the API: a
compilation is a read of every submission it shows, as a message's export is a read of the
message.
"""

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone, translation

from thiqa.accounts import policy
from thiqa.accounts.models import User
from thiqa.audit.services import record
from thiqa.lib import files
from thiqa.reporting import compilation, exports
from thiqa.reporting.models import CompilationPdf, Cycle
from thiqa.scheduler import registry

logger = logging.getLogger(__name__)

TASK = "thiqa.reporting.tasks.prepare_compilation_pdf"
STALLED_AFTER = timedelta(minutes=30)  # a job running this long lost its worker
PROGRESS_STEPS = 50  # progress is written at most this many times per job
Status = CompilationPdf.Status
Failure = CompilationPdf.Failure


class CompilationChanged(Exception):
    """The submissions the job's viewer may read changed between the request and the render."""


def path_of(job: CompilationPdf) -> Path:
    return Path(settings.THIQA_COMPILATION_DIR) / f"{job.pk}-{job.audience_key[:16]}.pdf"


def current(user: User, cycle: Cycle, language: str) -> CompilationPdf | None:
    """The job whose PDF shows what ``user`` sees of ``cycle`` in ``language``, if any."""
    policy.require(user, "reporting.view")
    key, _count = compilation.audience_key(user, cycle)
    return CompilationPdf.objects.filter(cycle=cycle, language=language, audience_key=key).first()


def request_pdf(
    user: User, cycle: Cycle, language: str, *, request: HttpRequest | None = None
) -> CompilationPdf:
    """Start the PDF of what ``user`` sees of ``cycle``, or join the job of the same audience
    (queued, running or done); a failed job, or a done one whose file is gone, starts again.
    The audit event says which of the three it was."""
    policy.require(user, "reporting.prepare_compilation_pdf", cycle)
    key, count = compilation.audience_key(user, cycle)
    with transaction.atomic():
        job, created = CompilationPdf.objects.get_or_create(
            cycle=cycle,
            language=language,
            audience_key=key,
            defaults={"created_by": user, "participants": count},
        )
        outcome = "new" if created else "joined"
        if not created and _needs_again(job) and _restart(job, user, count):
            outcome = "again"
        if outcome != "joined":
            job_id = job.pk
            transaction.on_commit(lambda: registry.enqueue(TASK, job_id))
        record(
            "reporting.compilation_pdf_requested",
            actor=user,
            target=cycle,
            data=_described(job) | {"outcome": outcome, "status": job.status},
            request=request,
        )
    return job


def _described(job: CompilationPdf) -> dict[str, Any]:
    """What an audit event says of a job: ids, language and the versions' key, no content."""
    return {
        "job": job.pk,
        "language": job.language,
        "participants": job.participants,
        "audience_key": job.audience_key,
    }


def _needs_again(job: CompilationPdf) -> bool:
    return job.status == Status.FAILED or (job.status == Status.DONE and not path_of(job).exists())


def _restart(job: CompilationPdf, user: User, count: int) -> bool:
    """Queue ``job`` again for ``user``; False if another request already did."""
    won = CompilationPdf.objects.filter(pk=job.pk, status=job.status).update(
        status=Status.QUEUED,
        failure="",
        compiled=0,
        participants=count,
        created_by=user,
        created_at=timezone.now(),
        started_at=None,
        finished_at=None,
    )
    job.refresh_from_db()
    return bool(won)


def read(user: User, job: CompilationPdf, *, request: HttpRequest | None = None) -> bytes:
    """The PDF's bytes, for a reader who sees what it shows; the download is audited (a file
    gone from the disk raises ``FileNotFoundError`` and records nothing)."""
    policy.require(user, "reporting.read_compilation_pdf", job)
    content = path_of(job).read_bytes()
    record(
        "reporting.compilation_pdf_downloaded",
        actor=user,
        target=job.cycle,
        data=_described(job) | {"size": len(content)},
        request=request,
    )
    return content


def file_name(job: CompilationPdf) -> str:
    return f"thiqa-compilation-{job.cycle_id}-{job.language}.pdf"


# --- the worker's side ----------------------------------------------------------------------


def prepare(job_id: int) -> str:
    """Compile and lay out a queued job's PDF; the job's status says how it ended. A job
    another worker took (or finished) is left alone."""
    won = CompilationPdf.objects.filter(pk=job_id, status=Status.QUEUED).update(
        status=Status.RUNNING, started_at=timezone.now()
    )
    if not won:
        return "skipped"
    job = CompilationPdf.objects.select_related("cycle", "created_by").get(pk=job_id)
    try:
        content = _render(job)
        files.write_whole(path_of(job), content)
    except CompilationChanged:
        return _fail(job, Failure.CHANGED)
    except Exception:
        logger.exception("the compilation PDF %s could not be made", job.pk)
        return _fail(job, Failure.ERROR)
    CompilationPdf.objects.filter(pk=job.pk).update(
        status=Status.DONE, size=len(content), finished_at=timezone.now(), renders=F("renders") + 1
    )
    return Status.DONE


def _render(job: CompilationPdf) -> bytes:
    viewer, cycle = job.created_by, job.cycle
    if not policy.can(viewer, "reporting.view"):
        raise CompilationChanged
    with translation.override(job.language):
        result = compilation.matrix(viewer, cycle, progress=_progress(job))
    if compilation.audience_key(viewer, cycle)[0] != job.audience_key:
        raise CompilationChanged
    return exports.compilation_pdf(result, job.language)


def _progress(job: CompilationPdf) -> Callable[[int, int], None]:
    """The callback ``compilation.matrix`` tells after each participant."""

    def advance(done: int, total: int) -> None:
        if done == total or done % max(1, total // PROGRESS_STEPS) == 0:
            CompilationPdf.objects.filter(pk=job.pk).update(compiled=done, participants=total)

    return advance


def _fail(job: CompilationPdf, failure: str) -> str:
    CompilationPdf.objects.filter(pk=job.pk).update(
        status=Status.FAILED, failure=failure, finished_at=timezone.now()
    )
    return Status.FAILED


def prune(now: datetime | None = None) -> int:
    """Delete the PDFs made more than ``THIQA_COMPILATION_PDF_DAYS`` days ago (rows and
    files) and files no job holds; mark jobs whose worker stopped as failed (they can be
    retried). Returns how many jobs were deleted."""
    now = now or timezone.now()
    CompilationPdf.objects.filter(status=Status.RUNNING, started_at__lt=now - STALLED_AFTER).update(
        status=Status.FAILED, failure=Failure.INTERRUPTED, finished_at=now
    )
    cutoff = now - timedelta(days=settings.THIQA_COMPILATION_PDF_DAYS)
    old = CompilationPdf.objects.filter(
        Q(finished_at__lt=cutoff) | Q(status=Status.QUEUED, created_at__lt=cutoff)
    )
    deleted = 0
    for job in old:
        path_of(job).unlink(missing_ok=True)
        job.delete()
        deleted += 1
    _remove_orphans()
    return deleted


def _remove_orphans() -> None:
    folder = Path(settings.THIQA_COMPILATION_DIR)
    if not folder.is_dir():
        return
    kept = {path_of(job).name for job in CompilationPdf.objects.only("pk", "audience_key")}
    settled = (timezone.now() - STALLED_AFTER).timestamp()  # never one being written now
    for path in folder.glob("*.pdf"):
        if path.name not in kept and path.stat().st_mtime < settled:
            path.unlink(missing_ok=True)
