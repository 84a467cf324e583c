"""Simplified Chinese UI strings. `make translations` runs `doudi makemessages -l zh_Hans`, then
this script, which writes the strings of `scripts/zh/*.py` (one file per area, each a dict `ZH`
of English msgid → Chinese) into the zh_Hans catalogue. English msgids stay in the code."""

import datetime as dt
import importlib.util
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load() -> dict:
    """Every area's strings; the same msgid given two different translations is an error."""
    merged: dict = {}
    for path in sorted((HERE / "zh").glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"zh_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        for key, text in module.ZH.items():
            if key in merged and merged[key] != text:
                raise SystemExit(f"{path.name}: {key!r} is translated differently elsewhere")
            merged[key] = text
    return merged


ZH = load()


def main() -> None:
    from babel.messages.pofile import read_po, write_po

    path = Path(__file__).resolve().parent.parent / "src/doudi/locale/zh_Hans/LC_MESSAGES/django.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale="zh_Hans")
    catalog.fuzzy = False
    # A fixed date: the catalogue changes only when its strings do (no merge conflicts).
    catalog.creation_date = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        text = ZH.get(message.id)
        if text is None:
            missing.append(message.id)
            continue
        message.string = (text,) if message.pluralizable else text
        message.flags.discard("fuzzy")
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100)
    if missing:
        raise SystemExit(f"untranslated: {missing}")


if __name__ == "__main__":
    main()

