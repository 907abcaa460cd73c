"""Arabic is first-class: right-to-left pages, a complete catalog, localized dates."""

import re
import shutil
import subprocess
from pathlib import Path

from django.core.management import call_command

import thiqa

PACKAGE = Path(thiqa.__file__).parent
CATALOG = PACKAGE / "locale" / "ar" / "LC_MESSAGES" / "django.po"


def msgids(po: Path) -> set[str]:
    text = po.read_text(encoding="utf-8")
    ids = set()
    for block in re.findall(r'^msgid ((?:".*"\n)+)', text, flags=re.M):
        ids.add("".join(re.findall(r'"(.*)"', block)))
    return ids - {""}


def test_arabic_pages_are_right_to_left_with_translated_navigation(client, member, participant):
    client.force_login(member)
    client.cookies["thiqa-language"] = "ar"
    html = client.get("/participants/").content.decode()
    assert '<html lang="ar" dir="rtl">' in html
    assert "المشاركون" in html and "الرئيسية" in html
    assert ">Participants<" not in html
    client.cookies["thiqa-language"] = "en"
    assert '<html lang="en" dir="ltr">' in client.get("/participants/").content.decode()


def test_the_browser_language_is_honoured_before_any_choice(client, db):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="ar,en;q=0.5").content.decode()
    assert 'dir="rtl"' in html and "تسجيل الدخول" in html


def test_dates_are_localized(client, member):
    client.force_login(member)
    client.post("/accounts/tokens/", {"name": "x", "scope": "read", "days": 30})
    client.cookies["thiqa-language"] = "ar"
    html = client.get("/accounts/tokens/").content.decode()
    months = [
        "يناير",
        "فبراير",
        "مارس",
        "إبريل",
        "أبريل",
        "مايو",
        "يونيو",
        "يوليو",
        "أغسطس",
        "سبتمبر",
        "أكتوبر",
        "نوفمبر",
        "ديسمبر",
    ]
    assert any(month in html for month in months)


def test_the_arabic_catalog_has_no_untranslated_or_fuzzy_entry():
    stats = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(CATALOG)],
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    assert "untranslated" not in stats and "fuzzy" not in stats, stats


def test_every_user_facing_string_is_in_the_catalog(tmp_path, settings):
    """Extract the strings anew from a copy of the code and compare with the catalog."""
    copy = tmp_path / "thiqa"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("tests", "__pycache__", "*.mo", "data"))
    shutil.rmtree(copy / "locale")
    (copy / "locale").mkdir()
    settings.LOCALE_PATHS = [copy / "locale"]
    cwd = Path.cwd()
    try:
        import os

        os.chdir(copy)
        call_command("makemessages", locale=["ar"], verbosity=0, ignore_patterns=["settings_test.py"])
    finally:
        os.chdir(cwd)
    fresh = msgids(copy / "locale" / "ar" / "LC_MESSAGES" / "django.po")
    missing = fresh - msgids(CATALOG)
    assert not missing, f"run makemessages and translate: {sorted(missing)[:10]}"


def test_problem_titles_follow_the_request_language(client, db):
    english = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="en").json()["title"]
    arabic = client.get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="ar").json()["title"]
    assert english == "Authentication required"
    assert re.search(r"[\u0600-\u06FF]", arabic)
