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


def test_every_message_in_the_code_is_in_the_catalogue(tmp_path, settings, monkeypatch):
    """Extract the messages again, into a copy of the catalogue: a string added to the code or
    a template but never extracted would show in English to Japanese readers."""
    import shutil

    from django.core.management import call_command

    # In a copy of the project: makemessages writes to every `locale` folder it walks past.
    root = LOCALE.parent
    skip = {".venv", ".git", "tests", "bench", "media", "node_modules", "docs"}
    for path in root.iterdir():
        if path.is_dir() and path.name not in skip and not path.name.startswith("."):
            shutil.copytree(path, tmp_path / path.name, ignore=shutil.ignore_patterns("*.pyc"))
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command(
        "makemessages",
        locale=["ja"],
        no_obsolete=True,
        ignore_patterns=["tests/*", "bench/*"],
        verbosity=0,
    )
    extracted = polib.pofile(str(tmp_path / "locale" / "ja" / "LC_MESSAGES" / "django.po"))
    committed = polib.pofile(str(LOCALE / "ja" / "LC_MESSAGES" / "django.po"))
    new = {e.msgid for e in extracted if not e.obsolete} - {e.msgid for e in committed}
    assert not new, f"run `make messages` and translate: {sorted(new)[:10]}"
