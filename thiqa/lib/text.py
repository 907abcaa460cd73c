"""Arabic and English text analysis for search: normalization, tokens, stop words, stems.

``normalize`` folds the spelling variants an Arabic reader treats as the same word
(diacritics, tatweel, the alef forms, alef maqsura/ya, ta marbuta/ha, hamza seats,
Arabic-Indic digits) and casefolds Latin. ``analyze`` turns text into index terms: each
token is stemmed by the Snowball stemmer of its own script (PyStemmer "arabic" or
"english"), so one query can mix languages. ``analyze_plain`` is the baseline without
normalization or stemming (lowercase and split only), used by the benchmark.

Arabic stemming detail: Snowball's Arabic stemmer removes suffixes more reliably when the
word carries the definite article, and it strips the ta marbuta but not a final ha. So a
token is stemmed with its clitic article made explicit ("بالمعلومات", "معلومات" ->
"المعلومات" -> "معلوم") and with a final ha written as ta marbuta ("سنويه" = "سنوية"); the
stem is then folded again, so index and query always agree.
"""

import re
import unicodedata
from functools import lru_cache

import Stemmer

# U+064B..U+065F (tashkeel, including hamza above/below marks), U+0670 (superscript alef).
_DIACRITICS = re.compile("[\u064b-\u065f\u0670]")
_TATWEEL = "\u0640"
_FOLD = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ؤ": "و",
        "ئ": "ي",
        "ة": "ه",
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Persian (extended Arabic-Indic) digits
    }
)
# The same folding, keeping ta marbuta for the stemmer.
_FOLD_KEEP_TA = str.maketrans({k: v for k, v in _FOLD.items() if k != ord("ة")})

# A token: a run of letters and digits (Arabic or Latin), after normalization.
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")

MAX_TOKEN_LENGTH = 40

ENGLISH_STOP_WORDS = frozenset(
    """
    a about above after again all also am an and any are as at be been before being below
    between both but by can could did do does doing down during each few for from further had
    has have having he her here hers him his how i if in into is it its itself just me more most
    my no nor not now of off on once only or other our ours out over own same she should so some
    such than that the their theirs them then there these they this those through to too under
    until up very was we were what when where which while who whom why will with would you your
    yours shall may must upon within without whether per via etc
    """.split()
)


def normalize(text: str) -> str:
    """Fold Arabic spelling variants and casefold Latin; keeps spaces and punctuation."""
    text = unicodedata.normalize("NFKC", text)
    text = _DIACRITICS.sub("", text).replace(_TATWEEL, "")
    return text.translate(_FOLD).casefold()


# Normalized like the text (alef, ya and ta marbuta folded).
ARABIC_STOP_WORDS = frozenset(
    normalize(word)
    for word in """
        في من إلى على عن مع او و ان ما لا لم لن قد هل هذا هذه ذلك تلك هو هي هم هن انا نحن
        انت التي الذي الذين اللذين اللتين كل بعض غير بين عند عندما حيث كما اذا ثم بل لكن كان
        كانت يكون تكون ايضا به بها له لها فيه فيها منه منها عليه عليها الا حتى اي اية لدى
        بشان ضمن خلال اما وفي ومن وعلى والى ولا كيف متى ماذا لماذا هناك هنا
        """.split()
)


def tokenize(text: str) -> list[str]:
    """Normalized tokens (runs of letters or digits), overlong ones dropped."""
    return [t for t in _TOKEN.findall(normalize(text)) if len(t) <= MAX_TOKEN_LENGTH]


def is_arabic(token: str) -> bool:
    return bool(_ARABIC_LETTER.search(token))


_ARABIC = Stemmer.Stemmer("arabic")
_ENGLISH = Stemmer.Stemmer("english")
_CLITIC_ARTICLES = ("وال", "بال", "كال", "فال")


@lru_cache(maxsize=200_000)
def _stem_arabic(token: str) -> str:
    """``token`` is already normalized except that it may end in ta marbuta (see module doc)."""
    if len(token) <= 2:
        return token
    if token.endswith("ه"):
        token = token[:-1] + "ة"
    elif token.endswith("يا") and len(token) >= 5:  # adverbial accusative: "سنوياً" = "سنوي"
        token = token[:-1]
    for prefix in _CLITIC_ARTICLES:
        if token.startswith(prefix) and len(token) > len(prefix) + 1:
            token = "ال" + token[len(prefix) :]
            break
    else:
        if token.startswith("لل") and len(token) > 3:
            token = "ال" + token[2:]
        elif not token.startswith("ال"):
            token = "ال" + token
    stem = _ARABIC.stemWord(token)
    return stem.translate(_FOLD) or token


@lru_cache(maxsize=200_000)
def _stem_english(token: str) -> str:
    return _ENGLISH.stemWord(token)


def analyze_token(token: str) -> str | None:
    """The index term of one normalized token, or None for a stop word."""
    if is_arabic(token):
        if token in ARABIC_STOP_WORDS:
            return None
        return _stem_arabic(token)
    if token in ENGLISH_STOP_WORDS:
        return None
    if token.isdigit():
        return token
    return _stem_english(token)


def analyze(text: str, language: str | None = None) -> list[str]:
    """Index terms of ``text``: normalized, stop words removed, stemmed per token's script.

    ``language`` is accepted for symmetry with the index (entries carry one); each token is
    analysed by its own script, so mixed Arabic/English text works either way."""
    return [term for token in tokenize(text) if (term := analyze_token(token))]


def analyze_plain(text: str, language: str | None = None) -> list[str]:
    """The baseline: lowercase and split on non-word characters, nothing else."""
    return [t for t in _TOKEN.findall(text.lower()) if len(t) <= MAX_TOKEN_LENGTH]
