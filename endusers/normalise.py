"""Company names reduced to what identifies them, and the fuzzy score between two such names.

The End User List and the reports spell the same company in many ways: full-width or
half-width letters (ＡＢＣ, ABC), half-width katakana, case, punctuation ("Co., Ltd." or
"Co.,Ltd"), and the legal form written out, abbreviated or left off. `normalise_name` removes
all of these; `name_score` compares two normalised names with rapidfuzz.
"""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz

# Legal forms written as separate words (after NFKC, casefold, periods removed and other
# punctuation turned into spaces): "Co., Ltd." becomes the words "co" "ltd". They are removed
# wherever they stand, since word order varies ("Company Limited", "Ltd Co").
LEGAL_SUFFIX_WORDS = frozenset(
    {
        "co",
        "company",
        "corp",
        "corporation",
        "inc",
        "incorporated",
        "ltd",
        "limited",
        "llc",
        "llp",
        "plc",
        "gmbh",
        "ag",
        "sa",
        "sas",
        "sarl",
        "srl",
        "spa",
        "bv",
        "nv",
        "kk",
        "pte",
        "pvt",
        "jsc",
        "ojsc",
        "pjsc",
        "cjsc",
        "ooo",
        "oao",
        "zao",
        "sdn",
        "bhd",
        "fze",
        "fzco",
        "fzc",
        # (株) and (有) once the brackets are gone.
        "株",
        "有",
    }
)

# Legal forms in Chinese or Japanese characters, written without spaces before or after the
# name (前株 and 後株: 株式会社東芝, 東芝株式会社). Longest first, so that 股份有限公司 goes whole.
LEGAL_SUFFIXES_CJK = (
    "股份有限公司",
    "有限责任公司",
    "有限責任公司",
    "集团有限公司",
    "集團有限公司",
    "有限公司",
    "股份公司",
    "株式会社",
    "有限会社",
    "合同会社",
    "合資会社",
    "合名会社",
    "公司",
)

# Periods vanish (S.A. is "sa", Co. is "co"); every other punctuation mark or symbol separates
# words. \w keeps letters and digits of every script.
_PERIODS = re.compile(r"[.．。]")
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)


def _strip_cjk_forms(text: str) -> str:
    changed = True
    while changed and text:
        changed = False
        for form in LEGAL_SUFFIXES_CJK:
            if text.endswith(form) and len(text) > len(form):
                text = text[: -len(form)].rstrip()
                changed = True
            elif text.startswith(form) and len(text) > len(form):
                text = text[len(form) :].lstrip()
                changed = True
    return text


def normalise_name(name: str) -> str:
    """The name as compared: NFKC (full- and half-width forms), casefolded, punctuation gone,
    legal forms removed, words separated by single spaces. A name that is nothing but a legal
    form keeps it, so that it still matches itself."""
    text = unicodedata.normalize("NFKC", name or "").casefold()
    text = _PERIODS.sub("", text)
    text = _NON_WORD.sub(" ", text).strip()
    words = [w for w in text.split() if w not in LEGAL_SUFFIX_WORDS]
    kept = " ".join(_strip_cjk_forms(w) for w in words).strip()
    return kept or text


def compact(normalised: str) -> str:
    """Without spaces: "hua wei" and "huawei", or CJK names written with and without a space."""
    return normalised.replace(" ", "")


def name_score(a: str, b: str) -> float:
    """How alike two normalised names are, 0 to 100: word order aside (token sort), or spaces
    aside (the compact forms), whichever is higher."""
    if not a or not b:
        return 0.0
    return max(fuzz.token_sort_ratio(a, b), fuzz.ratio(compact(a), compact(b)))
