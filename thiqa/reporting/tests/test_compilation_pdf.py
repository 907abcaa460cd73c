"""The compilation PDF is made by the worker: the page asks for it, shows its progress and
offers the download when it is ready. A second request for the same audience joins the job
(one row, one render); viewers who see different submissions get different jobs, and a file
is never served to a viewer who does not see what it shows. Failures are shown, translated,
and can be retried; old files are pruned."""

import os
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from conftest import make_user
from thiqa.accounts import policy
from thiqa.accounts.models import Participant
from thiqa.accounts.services import create_token
from thiqa.audit.models import AuditEvent
from thiqa.reporting import compilation, compilation_pdfs, exports, services
from thiqa.reporting.models import CompilationPdf
from thiqa.reporting.tests.conftest import arabic_client, text_of

pytestmark = [pytest.mark.usefixtures("catalogue"), pytest.mark.django_db(transaction=True)]
Status = CompilationPdf.Status


def prepare(client: Client, cycle) -> None:
    reply = client.post(f"/reporting/cycles/{cycle.pk}/compilation/pdf/")
    assert reply.status_code == 302 and reply["Location"].endswith(
        f"/reporting/cycles/{cycle.pk}/compilation/#pdf"
    )


def pdf_tasks() -> int:
    return DBTaskResult.objects.filter(task_path=compilation_pdfs.TASK).count()


def test_the_worker_makes_the_arabic_pdf_shown_with_its_progress(run_worker, gca, secretariat, monkeypatch):
    cycle = gca["cycle"]
    client = arabic_client(secretariat)
    page = client.get(f"/reporting/cycles/{cycle.pk}/compilation/").content.decode()
    assert "إعداد ملف PDF" in page and "data-poll" not in page  # "Prepare PDF"

    prepare(client, cycle)
    job = CompilationPdf.objects.get()
    assert (job.status, job.language, job.compiled, job.participants) == (Status.QUEUED, "ar", 0, 1)
    status = client.get(f"/reporting/cycles/{cycle.pk}/compilation/pdf/").content.decode()
    assert 'data-poll="' in status and '<progress max="1" value="0"' in status
    assert client.get(f"/reporting/cycles/{cycle.pk}/compilation/pdf/file/").status_code == 404

    seen_at_layout = []
    real_pdf = exports.compilation_pdf

    def watched(result, language):  # the real layout, once the progress is read
        seen_at_layout.append(CompilationPdf.objects.values_list("status", "compiled").get())
        return real_pdf(result, language)

    monkeypatch.setattr(exports, "compilation_pdf", watched)
    run_worker()

    assert seen_at_layout == [(Status.RUNNING, 1)]  # every participant compiled, then laid out
    job.refresh_from_db()
    assert (job.status, job.compiled, job.renders) == (Status.DONE, 1, 1) and job.finished_at
    status = client.get(f"/reporting/cycles/{cycle.pk}/compilation/pdf/").content.decode()
    assert "data-poll" not in status and f"/reporting/cycles/{cycle.pk}/compilation/pdf/file/" in status
    reply = client.get(f"/reporting/cycles/{cycle.pk}/compilation/pdf/file/")
    assert reply.status_code == 200 and reply["Content-Type"] == "application/pdf"
    assert reply["Content-Disposition"].startswith('attachment; filename="thiqa-compilation-')
    content = b"".join(reply.streaming_content) if reply.streaming else reply.content
    assert content.startswith(b"%PDF-") and len(content) == job.size
    text = text_of(content)
    assert "التقييم الذاتي" in text and "مصر" in text  # the cycle's title and the participant
    assert "✓" in text or "◐" in text or "✗" in text  # the matrix's cells


def test_the_progress_counts_participants(gca, secretariat, other_participant):
    focal = make_user("focal@fr.example", other_participant, "focal_point", totp=True)
    response = services.response_for(focal, gca["cycle"], other_participant)
    services.save_draft(focal, response, answers=gca["response"].answers, language="ar", audience="scope")
    services.submit(focal, response)
    told = []
    compilation.matrix(secretariat, gca["cycle"], progress=lambda done, total: told.append((done, total)))
    assert told == [(1, 2), (2, 2)]


def test_a_second_request_joins_the_job(run_worker, gca, secretariat, secretariat_participant):
    colleague = make_user("sec2@thiqa.example", secretariat_participant, "secretariat", totp=True)
    cycle = gca["cycle"]
    first, second = arabic_client(secretariat), arabic_client(colleague)
    prepare(first, cycle)
    prepare(second, cycle)  # the same submissions: the same job
    assert CompilationPdf.objects.count() == 1 and pdf_tasks() == 1
    job = CompilationPdf.objects.get()
    assert job.created_by == secretariat

    run_worker()
    prepare(second, cycle)  # done: asking again serves the same file, no new render
    job.refresh_from_db()
    assert (job.status, job.renders) == (Status.DONE, 1) and pdf_tasks() == 1
    for client in (first, second):
        reply = client.get(f"/reporting/cycles/{cycle.pk}/compilation/pdf/file/")
        assert reply.status_code == 200 and len(reply.content) == job.size


def test_requests_at_the_same_moment_join_one_job(gca, secretariat, observer):
    together = threading.Barrier(2)
    jobs, errors = [], []

    def ask(user) -> None:
        try:
            together.wait(timeout=10)
            jobs.append(compilation_pdfs.request_pdf(user, gca["cycle"], "ar").pk)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=ask, args=(user,)) for user in (secretariat, observer)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors and len(jobs) == 2 and len(set(jobs)) == 1
    assert CompilationPdf.objects.count() == 1 and pdf_tasks() == 1


def test_a_job_is_shared_only_by_viewers_who_see_the_same_submissions(
    run_worker, gca, secretariat, observer, focal_point
):
    chile = Participant.objects.create(code="CL", kind="state", name_en="Chile", name_ar="تشيلي")
    outsider = make_user("member@cl.example", chile, "member")  # outside the cycle's scope
    cycle = gca["cycle"]
    assert compilation.audience_key(observer, cycle) == compilation.audience_key(secretariat, cycle)
    assert compilation.audience_key(outsider, cycle)[1] == 0

    prepare(arabic_client(secretariat), cycle)
    run_worker()
    made = CompilationPdf.objects.get()
    assert not policy.can(outsider, "reporting.read_compilation_pdf", made)
    assert policy.can(observer, "reporting.read_compilation_pdf", made)
    outside = arabic_client(outsider)
    assert outside.get(f"/reporting/cycles/{cycle.pk}/compilation/pdf/file/").status_code == 404
    prepare(outside, cycle)
    assert CompilationPdf.objects.count() == 2  # a job of its own, over what it sees (nothing)
    theirs = CompilationPdf.objects.exclude(pk=made.pk).get()
    assert theirs.audience_key != made.audience_key and theirs.participants == 0

    # The submission is withdrawn: the file made with it is no longer served to anyone.
    services.withdraw(focal_point, gca["response"])
    assert not policy.can(secretariat, "reporting.read_compilation_pdf", made)
    assert (
        arabic_client(secretariat).get(f"/reporting/cycles/{cycle.pk}/compilation/pdf/file/").status_code
        == 404
    )


def test_a_failed_job_says_why_in_arabic_and_is_retried(run_worker, gca, secretariat, settings, tmp_path):
    cycle = gca["cycle"]
    client = arabic_client(secretariat)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    settings.THIQA_COMPILATION_DIR = blocked / "compilations"
    prepare(client, cycle)
    run_worker()
    job = CompilationPdf.objects.get()
    assert (job.status, job.failure, job.renders) == (Status.FAILED, "error", 0)
    status = client.get(f"/reporting/cycles/{cycle.pk}/compilation/pdf/").content.decode()
    assert "تعذّر إنشاء ملف PDF." in status and "أعد المحاولة" in status  # why, and "Try again"

    settings.THIQA_COMPILATION_DIR = tmp_path / "compilations"
    prepare(client, cycle)  # the same audience: the same row, queued again
    job.refresh_from_db()
    assert (job.status, job.failure, CompilationPdf.objects.count(), pdf_tasks()) == (Status.QUEUED, "", 1, 2)
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.renders) == (Status.DONE, 1)
    assert client.get(f"/reporting/cycles/{cycle.pk}/compilation/pdf/file/").status_code == 200


def test_submissions_that_change_before_the_render_fail_the_job(run_worker, gca, secretariat, focal_point):
    cycle = gca["cycle"]
    prepare(arabic_client(secretariat), cycle)
    services.withdraw(focal_point, gca["response"])
    run_worker()
    job = CompilationPdf.objects.get()
    assert (job.status, job.failure) == (Status.FAILED, "changed")
    assert not compilation_pdfs.path_of(job).exists()


def test_old_pdfs_and_stalled_jobs_are_pruned(run_worker, gca, secretariat, settings):
    cycle = gca["cycle"]
    prepare(arabic_client(secretariat), cycle)
    run_worker()
    old = CompilationPdf.objects.get()
    path = compilation_pdfs.path_of(old)
    assert path.exists()
    stalled = CompilationPdf.objects.create(
        cycle=cycle,
        language="en",
        audience_key="0" * 64,
        created_by=secretariat,
        status=Status.RUNNING,
        started_at=timezone.now() - timedelta(hours=1),
    )
    orphan = path.with_name("999-orphan.pdf")
    orphan.write_bytes(b"%PDF-1.7 left behind")
    an_hour_ago = time.time() - 3600
    os.utime(orphan, (an_hour_ago, an_hour_ago))

    assert compilation_pdfs.prune() == 0  # nothing is old yet
    stalled.refresh_from_db()
    assert (stalled.status, stalled.failure) == (Status.FAILED, "interrupted")
    assert path.exists() and not orphan.exists()

    later = timezone.now() + timedelta(days=settings.THIQA_COMPILATION_PDF_DAYS, minutes=1)
    assert compilation_pdfs.prune(later) == 2
    assert not CompilationPdf.objects.exists() and not path.exists()


def test_the_api_prepares_and_serves_the_pdf(run_worker, gca, secretariat):
    _token, secret = create_token(secretariat, name="tooling", scope="read", days=30)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="ar")
    url = f"/api/v1/reporting/cycles/{gca['cycle'].pk}/compilation/pdf"
    assert api.get(url).status_code == 404
    queued = api.post(url)
    assert queued.status_code == 202
    assert queued.json() | {"created_at": None} == {
        "id": CompilationPdf.objects.get().pk,
        "cycle": gca["cycle"].pk,
        "language": "ar",
        "status": "queued",
        "failure": None,
        "compiled": 0,
        "participants": 1,
        "size": None,
        "created_at": None,
        "finished_at": None,
        "file": None,
    }
    assert api.get(f"{url}/file").status_code == 404
    run_worker()
    done = api.get(url).json()
    assert done["status"] == "done" and done["file"] == f"{url}/file" and done["compiled"] == 1
    reply = api.get(done["file"])
    assert (
        reply.status_code == 200 and reply.content.startswith(b"%PDF-") and len(reply.content) == done["size"]
    )


def audited(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=f"reporting.compilation_pdf_{action}").order_by("seq"))


def test_asking_for_and_downloading_the_pdf_on_the_page_is_audited(
    run_worker, gca, secretariat, secretariat_participant
):
    colleague = make_user("sec2@thiqa.example", secretariat_participant, "secretariat", totp=True)
    chile = Participant.objects.create(code="CL", kind="state", name_en="Chile", name_ar="تشيلي")
    outsider = make_user("member@cl.example", chile, "member")
    cycle = gca["cycle"]
    prepare(arabic_client(secretariat), cycle)
    prepare(arabic_client(colleague), cycle)  # joins the queued job
    run_worker()
    prepare(arabic_client(colleague), cycle)  # joins the finished job: no new render
    job = CompilationPdf.objects.get()
    asked = audited("requested")
    assert [(e.actor, e.data["outcome"], e.data["status"]) for e in asked] == [
        (secretariat, "new", "queued"),
        (colleague, "joined", "queued"),
        (colleague, "joined", "done"),
    ]
    assert {(e.target_type, e.target_id, e.ip) for e in asked} == {
        ("reporting.cycle", str(cycle.pk), "127.0.0.1")
    }
    assert asked[0].data == {
        "job": job.pk,
        "language": "ar",
        "participants": 1,
        "audience_key": job.audience_key,
        "outcome": "new",
        "status": "queued",
    }

    file_url = f"/reporting/cycles/{cycle.pk}/compilation/pdf/file/"
    assert arabic_client(colleague).get(file_url).status_code == 200
    assert arabic_client(outsider).get(file_url).status_code == 404  # refused: not a download
    [downloaded] = audited("downloaded")
    assert (downloaded.actor, downloaded.target_id, downloaded.ip) == (colleague, str(cycle.pk), "127.0.0.1")
    assert downloaded.data == {
        "job": job.pk,
        "language": "ar",
        "participants": 1,
        "audience_key": job.audience_key,
        "size": job.size,
    }

    compilation_pdfs.path_of(job).unlink()  # the file is gone: nothing was downloaded
    assert arabic_client(secretariat).get(file_url).status_code == 404
    assert len(audited("downloaded")) == 1
    prepare(arabic_client(secretariat), cycle)  # the same row, rendered again
    assert audited("requested")[-1].data | {"audience_key": None} == {
        "job": job.pk,
        "language": "ar",
        "participants": 1,
        "audience_key": None,
        "outcome": "again",
        "status": "queued",
    }


def test_asking_for_and_downloading_the_pdf_through_the_api_is_audited(run_worker, gca, observer):
    _token, secret = create_token(observer, name="tooling", scope="read", days=30)
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}", HTTP_ACCEPT_LANGUAGE="en")
    url = f"/api/v1/reporting/cycles/{gca['cycle'].pk}/compilation/pdf"
    assert api.post(url).status_code == 202
    run_worker()
    assert api.get(url).status_code == 200  # polling is not audited
    assert api.get(f"{url}/file").status_code == 200
    job = CompilationPdf.objects.get()
    [asked], [downloaded] = audited("requested"), audited("downloaded")
    assert (asked.actor, asked.data["outcome"], asked.data["language"]) == (observer, "new", "en")
    assert (downloaded.actor, downloaded.data["language"], downloaded.data["size"]) == (
        observer,
        "en",
        job.size,
    )
    assert {asked.target_id, downloaded.target_id} == {str(gca["cycle"].pk)}
