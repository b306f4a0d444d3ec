"""五十音 order for Japanese readings (as a Japanese dictionary orders them, JIS X 4061 in
short): voiced and small kana sort with their plain kana, the long-vowel mark as the vowel it
lengthens, and only then do the marks break ties (カ before ガ)."""

from __future__ import annotations

import re
import unicodedata

_SMALL = str.maketrans("ァィゥェォッャュョヮヵヶ", "アイウエオツヤユヨワカケ")
_ROWS = {
    "ア": "アカサタナハマヤラワガザダバパ",
    "イ": "イキシチニヒミリヰギジヂビピ",
    "ウ": "ウクスツヌフムユルグズヅブプヴ",
    "エ": "エケセテネヘメレヱゲゼデベペ",
    "オ": "オコソトノホモヨロヲゴゾドボポ",
}
_VOWEL = {kana: vowel for vowel, row in _ROWS.items() for kana in row}
KATAKANA = re.compile(r"[\u30A1-\u30FC]+")


def to_katakana(text: str) -> str:
    """Hiragana as katakana; everything else unchanged."""
    return "".join(chr(ord(c) + 0x60) if "\u3041" <= c <= "\u3096" else c for c in text)


def reading_of(name: str) -> str:
    """The reading of a name written in kana only (punctuation and spaces dropped); empty when
    the name has other characters (kanji), whose reading must be given as data."""
    kana = re.sub(r"[\s・、，,.．\-‐（）()]", "", to_katakana(name))
    return kana if KATAKANA.fullmatch(kana or "-") else ""


def gojuon_key(reading: str) -> tuple[str, str]:
    """Sort key of a katakana reading in 五十音 order."""
    plain = []
    for char in to_katakana(reading).translate(_SMALL):
        base = "".join(
            c for c in unicodedata.normalize("NFD", char) if not unicodedata.combining(c)
        )
        if base == "ー" and plain:
            base = _VOWEL.get(plain[-1], base)
        plain.append(base)
    return "".join(plain), reading
