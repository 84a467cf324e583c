"""The feed catalogue: one TOML file per department feed, in ``catalogue/feeds/``.

A feed file declares the department, the feed's semantics (``snapshot``: each delivery replaces
the previous one; ``events``: deliveries append and de-duplicate by record key), the record-key
field, the canonical fields with their types, validators and the department's own header names
(aliases), the refresh schedule and freshness SLA, and the PIPL legal basis, purpose and
retention. ``docs/feeds.md`` is generated from it (``python -m doudi.engine.catalogue``).

Field types: ``string``, ``name`` (a person's name), ``id_number`` (resident ID, GB 11643),
``date``, ``month`` (YYYY-MM), ``money`` (元 in the file → integer fen), ``integer``,
``decimal`` (kept as an exact decimal string), ``enum`` (``choices``), ``phone``, ``code``
(an identifier such as a certificate number or a unified social credit code), ``boolean``
(是/否, Y/N, 1/0).
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

FIELD_TYPES = frozenset(
    "string name id_number date month money integer decimal enum phone code boolean".split()
)
SEMANTICS = frozenset({"snapshot", "events"})
# Fields that identify a person; a person-level feed's row needs a valid ID number, or a name
# together with a birth date, a phone number or an ID-shaped number failing only its check digit
# (DESIGN.md §2: records without usable IDs are linked probabilistically later).
IDENTITY_FIELDS = ("id_number", "name", "birth_date", "phone")


class CatalogueError(ValueError):
    pass


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    label: str  # Chinese label shown to data officers
    aliases: tuple[str, ...] = ()
    required: bool = False
    choices: tuple[str, ...] = ()
    min: float | None = None
    max: float | None = None
    max_length: int | None = None
    sensitive: bool = False  # PIPL sensitive personal information (health, disability, income…)


@dataclass(frozen=True)
class Feed:
    id: str
    department: str
    department_en: str
    name: str
    name_en: str
    semantics: str
    record_key: str
    fields: tuple[Field, ...]
    schedule: str
    freshness_days: int
    legal_basis: str
    purpose: str
    retention: str
    person_level: bool = True
    formats: tuple[str, ...] = ("csv", "xlsx", "jsonl", "parquet")
    notes: str = ""
    source: Path | None = field(default=None, compare=False)

    @property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def header_map(self) -> dict[str, str]:
        """Every accepted header (canonical name, Chinese label, aliases) → canonical name."""
        mapping: dict[str, str] = {}
        for f in self.fields:
            for header in (f.name, f.label, *f.aliases):
                mapping[normalise_header(header)] = f.name
        return mapping


def normalise_header(header: str) -> str:
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", str(header)).split()).lower()


def _parse_field(feed_id: str, raw: dict[str, Any]) -> Field:
    try:
        f = Field(
            name=raw["name"],
            type=raw["type"],
            label=raw["label"],
            aliases=tuple(raw.get("aliases", ())),
            required=bool(raw.get("required", False)),
            choices=tuple(raw.get("choices", ())),
            min=raw.get("min"),
            max=raw.get("max"),
            max_length=raw.get("max_length"),
            sensitive=bool(raw.get("sensitive", False)),
        )
    except KeyError as exc:
        raise CatalogueError(f"{feed_id}: a field lacks {exc.args[0]!r}") from None
    unknown = set(raw) - {f for f in Field.__dataclass_fields__}
    if unknown:
        raise CatalogueError(f"{feed_id}.{f.name}: unknown keys {sorted(unknown)}")
    if f.type not in FIELD_TYPES:
        raise CatalogueError(f"{feed_id}.{f.name}: unknown type {f.type!r}")
    if f.type == "enum" and not f.choices:
        raise CatalogueError(f"{feed_id}.{f.name}: enum needs choices")
    return f


def parse_feed(text: str, *, source: Path | None = None) -> Feed:
    data = tomllib.loads(text)
    feed_id = data.get("id", "?")
    fields = tuple(_parse_field(feed_id, raw) for raw in data.pop("fields", []))
    try:
        feed = Feed(
            id=data["id"],
            department=data["department"],
            department_en=data["department_en"],
            name=data["name"],
            name_en=data["name_en"],
            semantics=data["semantics"],
            record_key=data["record_key"],
            fields=fields,
            schedule=data["schedule"],
            freshness_days=int(data["freshness_days"]),
            legal_basis=data["legal_basis"],
            purpose=data["purpose"],
            retention=data["retention"],
            person_level=bool(data.get("person_level", True)),
            formats=tuple(data.get("formats", ("csv", "xlsx", "jsonl", "parquet"))),
            notes=data.get("notes", ""),
            source=source,
        )
    except KeyError as exc:
        raise CatalogueError(f"{feed_id}: missing {exc.args[0]!r}") from None
    unknown = set(data) - set(Feed.__dataclass_fields__)
    if unknown:
        raise CatalogueError(f"{feed_id}: unknown keys {sorted(unknown)}")
    if feed.semantics not in SEMANTICS:
        raise CatalogueError(f"{feed_id}: semantics must be snapshot or events")
    names = feed.field_names
    if len(set(names)) != len(names):
        raise CatalogueError(f"{feed_id}: duplicate field names")
    if feed.record_key not in names:
        raise CatalogueError(f"{feed_id}: record_key {feed.record_key!r} is not a field")
    if feed.person_level and "id_number" not in names:
        raise CatalogueError(f"{feed_id}: a person-level feed needs an id_number field")
    headers: dict[str, str] = {}
    for f in fields:
        for header in {normalise_header(h) for h in (f.name, f.label, *f.aliases)}:
            if headers.setdefault(header, f.name) != f.name:
                raise CatalogueError(f"{feed_id}: header {header!r} maps to two fields")
    return feed


@dataclass(frozen=True)
class Catalogue:
    feeds: dict[str, Feed]

    def __getitem__(self, feed_id: str) -> Feed:
        return self.feeds[feed_id]

    def __iter__(self) -> Iterator[Feed]:
        return iter(sorted(self.feeds.values(), key=lambda f: f.id))

    def __len__(self) -> int:
        return len(self.feeds)

    def for_department(self, department: str) -> list[Feed]:
        return [f for f in self if f.department == department]


def load_catalogue(folder: Path | None = None) -> Catalogue:
    """Load every ``*.toml`` feed in ``folder`` (default: the shipped catalogue)."""
    if folder is None:
        return _default_catalogue()
    feeds = {}
    for path in sorted(Path(folder).glob("*.toml")):
        feed = parse_feed(path.read_text(encoding="utf-8"), source=path)
        if path.stem != feed.id:
            raise CatalogueError(f"{path.name}: file name must be the feed id {feed.id!r}")
        feeds[feed.id] = feed
    return Catalogue(feeds)


@cache
def _default_catalogue() -> Catalogue:
    folder = resources.files("doudi.engine.catalogue") / "feeds"
    return load_catalogue(Path(str(folder)))
