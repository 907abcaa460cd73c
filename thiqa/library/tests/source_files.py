from pathlib import Path

import pytest

SOURCES = Path(__file__).resolve().parents[3].parent / "shared" / "sources"
FILES = {
    "osce": "000_ec1397d1a46a5ce4.txt",
    "itu2021": "001_259d34d2851aa337.txt",
    "gge": "002_7ac4d30612c5f197.txt",
    "paper": "003_884960c761b5c9d1.txt",
    "itu2020": "004_6fbc12fefd4d6d3e.txt",
}


def source_dir() -> Path:
    """The folder of the five sources, or skip the test with the reason."""
    if not all((SOURCES / name).is_file() for name in FILES.values()):
        pytest.skip(f"the source documents are not at {SOURCES} (../shared/sources beside the checkout)")
    return SOURCES
