"""The compilation of a reporting cycle filled by 193 States, against a query that only
reads the same rows, in the same run; and the time of one PDF export.

    .venv/bin/python bench/reporting_compilation.py [--database sqlite|postgres] [--repeat N]

For each instrument (the OSCE annual exchange, 53 questions, and the scored GCA
self-assessment, 26 indicators), a cycle is opened for every UN Member State and each
submits a full sample response. Then, as the secretariat (who sees every submission):

- Thiqa: ``compilation.matrix`` (the visible submissions, a status per participant and
  catalogue item, per-item counts, and for the GCA instrument the scores and tiers);
- baseline: a query that reads the same rows (participant and submitted answers) and
  nothing more;
- one PDF export: the compilation of the cycle, and one Arabic submission;
- the compilation PDF as a background job (``compilation_pdfs``: the request, the worker's
  task body with its progress writes and the file written whole), against the same PDF
  made inline, in turn.

Times are medians of ``--repeat`` runs (default 15). Target (issue 6): the matrix within
3x the baseline and under 300 ms on the project's machine.
"""

import argparse
import atexit
import os
import random
import shutil
import sys
import tempfile
from datetime import date

from timing import timed, timed_pair

BENCH_DATABASE = "thiqa_bench_reporting"
DEFAULT_POSTGRES = f"postgres://postgres@127.0.0.1:5432/{BENCH_DATABASE}"
MS = 1000  # the timings are in seconds, printed in milliseconds


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument(
        "--database", choices=["sqlite", "postgres"], help="default: THIQA_DATABASE_URL, else SQLite"
    )
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--states", type=int, default=193)
    return parser.parse_args()


ARGS = arguments()
os.environ.setdefault("THIQA_PROFILE", "test")
if "THIQA_DATA_DIR" not in os.environ:
    os.environ["THIQA_DATA_DIR"] = tempfile.mkdtemp(prefix="thiqa-bench-")
    atexit.register(shutil.rmtree, os.environ["THIQA_DATA_DIR"], ignore_errors=True)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thiqa.settings")
if ARGS.database == "sqlite":
    os.environ.pop("THIQA_DATABASE_URL", None)
elif ARGS.database == "postgres" and not os.environ.get("THIQA_DATABASE_URL", "").startswith("postgres"):
    os.environ["THIQA_DATABASE_URL"] = DEFAULT_POSTGRES

import django  # noqa: E402

django.setup()

from django.db import connection, reset_queries  # noqa: E402
from django.test.utils import setup_databases, teardown_databases  # noqa: E402
from django.utils import translation  # noqa: E402

from thiqa.accounts.models import Membership, Participant, ParticipantGroup, User  # noqa: E402
from thiqa.catalogue.loader import load_catalogue  # noqa: E402
from thiqa.reporting import compilation, compilation_pdfs, exports  # noqa: E402
from thiqa.reporting.models import CompilationPdf, Cycle, Response  # noqa: E402
from thiqa.reporting.sample import fill_cycle  # noqa: E402
from thiqa.reporting.views import _pdf_context  # noqa: E402


def populate(states: int) -> tuple[User, ParticipantGroup]:
    participants = [
        Participant(
            code=f"S{n:03}", kind="state", name_en=f"State {n}", name_ar=f"الدولة {n}", un_member=True
        )
        for n in range(states)
    ]
    Participant.objects.bulk_create(participants)
    office = Participant.objects.create(
        code="secretariat",
        kind="international_organization",
        name_en="Secretariat",
        name_ar="الأمانة",
        is_secretariat=True,
    )
    group = ParticipantGroup.objects.create(code="UN", kind="global", name_en="UN", name_ar="الأمم المتحدة")
    group.members.set(Participant.objects.filter(kind="state"))
    user = User.objects.create_user("secretariat@thiqa.example", None, full_name="Bench Secretariat")
    Membership.objects.create(user=user, participant=office, role=Membership.Role.SECRETARIAT)
    return user, group


def baseline(cycle: Cycle) -> list[tuple]:
    """Only read the rows the matrix is built from."""
    return list(
        Response.objects.filter(cycle=cycle, status=Response.Status.SUBMITTED).values_list(
            "participant__code", "participant__name_en", "submitted__answers"
        )
    )


def main() -> int:
    if connection.vendor == "postgresql":
        connection.settings_dict["TEST"]["NAME"] = BENCH_DATABASE
    old = setup_databases(verbosity=0, interactive=False)
    try:
        load_catalogue()
        user, group = populate(ARGS.states)
        rng = random.Random(6)
        print(f"database: {connection.vendor}; states: {ARGS.states}; repeat: {ARGS.repeat} (medians)")
        print(
            "| instrument | questions | baseline | Thiqa matrix | ratio | compilation PDF |"
            " as a background job | ratio | submission PDF |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for code in ("osce-annual-exchange", "gca-self-assessment"):
            cycle = Cycle.objects.create(
                instrument=code,
                instrument_version=1,
                title=code,
                period="2026",
                opens_on=date(2026, 1, 1),
                due_on=date(2026, 10, 31),
                group=group,
                created_by=user,
            )
            filled = fill_cycle(cycle, user, rng, strength=0.6)
            rows = compilation.matrix(user, cycle).rows
            assert len(rows) == filled == ARGS.states, "every State's submission is in the matrix"
            base, thiqa = timed_pair(
                lambda cycle=cycle: baseline(cycle),
                lambda cycle=cycle: compilation.matrix(user, cycle),
                ARGS.repeat,
            )
            with translation.override("ar"):
                pdf_matrix, pdf_job = timed_pair(
                    lambda cycle=cycle: _compilation_pdf(user, cycle),
                    lambda cycle=cycle: _background_pdf(user, cycle),
                    max(3, ARGS.repeat // 5),
                )
                pdf_one = timed(lambda cycle=cycle: _response_pdf(cycle), max(3, ARGS.repeat // 5))
            questions = sum(1 for _q in cycle.definition.questions())
            print(
                f"| {code} | {questions} | {base * MS:.1f} ms | {thiqa * MS:.1f} ms | {thiqa / base:.2f}x |"
                f" {pdf_matrix * MS:.0f} ms | {pdf_job * MS:.0f} ms | {pdf_job / pdf_matrix:.2f}x |"
                f" {pdf_one * MS:.0f} ms |"
            )
            reset_queries()
        print("target: the matrix within 3x the baseline and under 300 ms")
        return 0
    finally:
        teardown_databases(old, verbosity=0)


def _compilation_pdf(user: User, cycle: Cycle) -> bytes:
    return exports.compilation_pdf(compilation.matrix(user, cycle), "ar")


def _background_pdf(user: User, cycle: Cycle) -> None:
    """The job's whole path in this process: asked for, prepared, then forgotten (so the
    next run makes it again)."""
    job = compilation_pdfs.request_pdf(user, cycle, "ar")
    compilation_pdfs.prepare(job.pk)
    job.refresh_from_db()
    assert job.status == CompilationPdf.Status.DONE, job.failure
    compilation_pdfs.path_of(job).unlink()
    job.delete()


def _response_pdf(cycle: Cycle) -> bytes:
    response = (
        Response.objects.filter(cycle=cycle, language="ar").select_related("participant", "submitted").first()
    )
    response = (
        response or Response.objects.filter(cycle=cycle).select_related("participant", "submitted").first()
    )
    return exports.pdf("reporting/pdf/response.html", _pdf_context(response, response.submitted), "ar")


if __name__ == "__main__":
    sys.exit(main())
