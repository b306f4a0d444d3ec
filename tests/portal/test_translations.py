"""Japanese first, English second: the catalogues are complete and compiled."""

from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "locale"


@pytest.mark.parametrize("language", ["ja", "en"])
def test_catalogue_is_compiled_from_its_source(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))
    compiled = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in mo}
    for entry in po.translated_entries():
        assert (entry.msgctxt, entry.msgid) in compiled, f"{entry.msgid!r}: run `make messages`"


def test_every_japanese_message_is_translated():
    po = polib.pofile(str(LOCALE / "ja" / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert not missing, f"untranslated: {missing[:10]}"
    assert not fuzzy, f"fuzzy: {fuzzy[:10]}"
    for entry in po.translated_entries():
        for placeholder in ("%(", "%s"):
            if placeholder in entry.msgid:
                text = entry.msgstr or entry.msgstr_plural.get(0, "")
                assert placeholder in text, entry.msgid


def test_every_english_message_is_present():
    ja = {e.msgid for e in polib.pofile(str(LOCALE / "ja" / "LC_MESSAGES" / "django.po"))}
    en = {e.msgid for e in polib.pofile(str(LOCALE / "en" / "LC_MESSAGES" / "django.po"))}
    assert ja == en
