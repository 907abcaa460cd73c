"""The demo ingests the five source documents from ../shared/sources when that folder exists."""

from pathlib import Path

import thiqa
from thiqa.lib.demo import demo_loader

SOURCES = Path(thiqa.__file__).resolve().parents[2] / "shared" / "sources"


@demo_loader("library")
def load() -> list[str]:
    from thiqa.library.models import Document
    from thiqa.library.services import DuplicateDocument, LibraryError, ingest

    if not SOURCES.is_dir():
        return [f"Library: no source documents at {SOURCES}, skipped."]
    added, lines = 0, []
    for path in sorted(SOURCES.glob("*.txt")):
        if Document.objects.filter(file_name=path.name).exists():
            continue
        try:
            ingest(path)
            added += 1
        except DuplicateDocument:
            continue
        except LibraryError as exc:
            lines.append(f"Library: {exc}")
    return [f"Library: {added} documents added, {Document.objects.count()} in all.", *lines]
