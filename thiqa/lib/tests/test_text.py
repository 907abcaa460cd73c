import pytest

from thiqa.lib.text import analyze, analyze_plain, normalize, tokenize


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("تَحْدِيثُ", "تحديث"),  # fatha, sukun, kasra, damma
        ("سنوياً", "سنويا"),  # tanween fath
        ("رحمٰن", "رحمن"),  # superscript alef U+0670
        ("الاتصـــال", "الاتصال"),  # tatweel
        ("أمن", "امن"),
        ("إنذار", "انذار"),
        ("آلية", "اليه"),
        ("ٱلدولة", "الدوله"),
        ("مستشفى", "مستشفي"),  # alef maqsura -> ya
        ("ثقة", "ثقه"),  # ta marbuta -> ha
        ("مسؤولية", "مسووليه"),  # hamza on waw
        ("طوارئ", "طواري"),  # hamza on ya
        ("٢٠١٣", "2013"),  # Arabic-Indic digits
        ("۱۲", "12"),  # Persian digits
        ("CERT Cooperation", "cert cooperation"),
    ],
)
def test_it_normalizes(raw: str, folded: str) -> None:
    assert normalize(raw) == folded


def test_it_tokenizes_on_punctuation_and_drops_overlong_tokens() -> None:
    assert tokenize("نقاط الاتصال، CBM-8!") == ["نقاط", "الاتصال", "cbm", "8"]
    assert tokenize("a" * 41 + " b") == ["b"]


def test_it_stems_english() -> None:
    assert analyze("Updating the points of contact annually") == ["updat", "point", "contact", "annual"]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("البيانات", "بيانات"),
        ("المعلومات", "بالمعلومات"),
        ("التعاون", "والتعاون"),
        ("الدول", "للدول"),
        ("دولة", "دوله"),
        ("سنوية", "سنوياً"),
        ("الوطنية", "وطني"),
        ("مستشفى", "مستشفي"),
        ("تَحْدِيث", "تحديث"),
        ("الإبلاغ", "الابلاغ"),
    ],
)
def test_it_stems_arabic_variants_to_one_term(a: str, b: str) -> None:
    assert analyze(a) == analyze(b)
    assert len(analyze(a)) == 1


def test_it_drops_stop_words_in_both_languages() -> None:
    assert analyze("the of and in") == []
    assert analyze("في من إلى على") == []


def test_it_analyses_each_token_by_its_script() -> None:
    terms = analyze("تبادل المعلومات information sharing")
    assert terms[2:] == ["inform", "share"]
    assert all("\u0600" <= c <= "\u06ff" for c in "".join(terms[:2]))


def test_nothing_is_left_of_punctuation_or_diacritics() -> None:
    assert analyze("!!! ... ؟؟") == []
    assert analyze("ًٌٍَُِ") == []
    assert analyze("") == []


def test_the_baseline_only_lowercases_and_splits() -> None:
    assert analyze_plain("The BIG تحديث") == ["the", "big", "تحديث"]
    assert analyze_plain("الإبلاغ") != analyze_plain("الابلاغ")
    assert analyze_plain("Points, of CONTACT") == ["points", "of", "contact"]
