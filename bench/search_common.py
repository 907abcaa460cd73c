"""Shared set-up of the search benchmarks: a fresh test database with the catalogue and,
when the library room can ingest, the source documents; the labelled queries."""

import inspect
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("THIQA_PROFILE", "test")
os.environ.setdefault("THIQA_DATA_DIR", tempfile.mkdtemp(prefix="thiqa-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "thiqa.settings")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django

django.setup()

import yaml  # noqa: E402

from thiqa.catalogue.loader import load_catalogue  # noqa: E402

QUERIES = Path(__file__).parent / "search_queries.yaml"
SOURCES = Path(__file__).resolve().parent.parent.parent / "shared" / "sources"


def load_queries() -> list[dict]:
    return yaml.safe_load(QUERIES.read_text(encoding="utf-8"))["queries"]


def load_corpus() -> str:
    """Load the catalogue and ingest the sources if ``thiqa.library.services.ingest`` exists.
    Returns a line saying what was loaded."""
    load_catalogue()
    try:
        from thiqa.library.services import ingest
    except ImportError:
        return "catalogue items only (thiqa.library.services.ingest is not available)"
    from thiqa.library.models import Document

    files = sorted(p for p in SOURCES.glob("*") if p.is_file() and p.name != "README.md")
    failures = []
    for path in files:
        try:
            params = inspect.signature(ingest).parameters
            if "actor" in params or "user" in params:
                key = "actor" if "actor" in params else "user"
                ingest(path, **{key: None})
            else:
                ingest(path)
        except Exception as exc:  # the other room's API may differ: report, never stop
            failures.append(f"{path.name}: {exc.__class__.__name__}: {exc}")
    documents = Document.objects.count()
    note = f"catalogue items and {documents} ingested documents"
    if failures:
        note += f" ({len(failures)} ingest failures: {failures[0]})"
    return note
