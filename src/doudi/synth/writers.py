"""Write a :class:`~doudi.synth.population.Population` to files.

Every feed of the catalogue (``doudi.engine.catalogue``) is written under
``feeds/<feed_id>/`` in its department's native shape (``feeds/``, ``formats.py``), with
noise (``noise.py``). The household register (``gongan_hukou``) keeps its historical path and
headers, plus 人员编号, and stays clean: it is the base the other feeds are matched against.
Ground truth goes only under ``truth/`` (UTF-8, no BOM, ``\n``):

- ``truth/households.csv``: ``hukou_no,hardship,causes``;
- ``truth/persons.csv``: ``person_id,hukou_no,id_number``;
- ``truth/records.csv``: ``feed,record_key,person_id``, one line per distinct record written
  (the record key as generated, also for a row whose key was blanked as noise);
- ``truth/noise.csv``: ``feed,record_key,kind,field,expected``, one line per injected noise.

``manifest.json`` lists every file with its feed, format, encoding, rows and SHA-256.
No Django; XlsxWriter and pyarrow for XLSX and Parquet.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import shutil
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from doudi.engine.catalogue import Catalogue, Feed, load_catalogue
from doudi.synth.feeds.layouts import SPECS, FeedSpec
from doudi.synth.formats import Renderer, open_sink
from doudi.synth.noise import FeedNoise
from doudi.synth.population import Population
from doudi.synth.world import World, build_world

HUKOU_FEED = "gongan_hukou"
HUKOU_DIR = "feeds/gongan_hukou"
HUKOU_HEADER = (
    "户号",
    "姓名",
    "公民身份号码",
    "性别",
    "出生日期",
    "与户主关系",
    "住址",
    "社区代码",
    "社区名称",
    "街道名称",
    "联系电话",
    "人员编号",
)
TRUTH_HOUSEHOLDS = "truth/households.csv"
TRUTH_PERSONS = "truth/persons.csv"
TRUTH_RECORDS = "truth/records.csv"
TRUTH_NOISE = "truth/noise.csv"
MANIFEST = "manifest.json"


@dataclass(frozen=True)
class FileInfo:
    path: str  # relative to out_dir
    rows: int  # data rows (header excluded; duplicate rows included)
    feed: str | None = None
    format: str = "csv"
    encoding: str = "utf-8"
    sheets: dict[str, int] = field(default_factory=dict)  # XLSX: rows per sheet


def _write(
    out_dir: Path,
    rel: str,
    header: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    encoding: str,
    lineterminator: str,
) -> tuple[str, int]:
    path = out_dir / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, lineterminator=lineterminator)
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return rel, count


def write_csv(
    out_dir: Path, rel: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> tuple[str, int]:
    """Stream rows to ``out_dir/rel`` as Excel writes CSV (UTF-8 BOM, CRLF)."""
    return _write(out_dir, rel, header, rows, encoding="utf-8-sig", lineterminator="\r\n")


def write_truth_csv(
    out_dir: Path, rel: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> tuple[str, int]:
    """Truth files: UTF-8 without BOM, ``\\n`` line endings."""
    return _write(out_dir, rel, header, rows, encoding="utf-8", lineterminator="\n")


def hukou_rel(pop: Population) -> str:
    return f"{HUKOU_DIR}/hukou_{pop.as_of:%Y%m%d}.csv"


def write_hukou(pop: Population, out_dir: Path, records=None) -> FileInfo:
    """公安户籍 extract: one row per person, households in 户号 order, head first. Clean.

    人员编号 (the record key) is a random, unique number that says nothing about the person.
    """
    rng = random.Random(f"{pop.seed}:{HUKOU_FEED}")
    seq = int(rng.random() * 1e9)

    def rows():
        nonlocal seq
        for hh in sorted(pop.households, key=lambda h: h.hukou_no):
            comm, street = hh.community, hh.street
            for p in hh.members:
                seq += 1 + int(rng.random() * 20)
                person_no = f"4201060{seq:011d}"
                if records is not None:
                    records.write(f"{HUKOU_FEED},{person_no},{p.person_id}\n")
                yield (
                    hh.hukou_no,
                    p.name,
                    p.id_number,
                    p.sex_zh,
                    p.birth_date.isoformat(),
                    p.relation,
                    hh.address,
                    comm.code,
                    comm.name,
                    street.name,
                    p.phone,
                    person_no,
                )

    rel, count = write_csv(out_dir, hukou_rel(pop), HUKOU_HEADER, rows())
    return FileInfo(rel, count, HUKOU_FEED, "csv", "utf-8-bom")


def write_truth(pop: Population, out_dir: Path) -> list[FileInfo]:
    households = sorted(pop.households, key=lambda h: h.hukou_no)
    hh_rows = ((h.hukou_no, 1 if h.hardship else 0, ";".join(h.causes)) for h in households)
    persons = sorted(pop.persons(), key=lambda p: p.person_id)
    p_rows = ((p.person_id, p.hukou_no, p.id_number) for p in persons)
    return [
        FileInfo(
            *write_truth_csv(out_dir, TRUTH_HOUSEHOLDS, ("hukou_no", "hardship", "causes"), hh_rows)
        ),
        FileInfo(
            *write_truth_csv(out_dir, TRUTH_PERSONS, ("person_id", "hukou_no", "id_number"), p_rows)
        ),
    ]


def feed_rel(spec: FeedSpec, world: World, suffix: str) -> str:
    return f"feeds/{spec.feed_id}/{spec.stem}_{world.as_of:%Y%m%d}{suffix}"


def write_feed(feed: Feed, spec: FeedSpec, world: World, out_dir: Path, records, noise) -> FileInfo:
    """Write one department feed; record every record and every injected noise in the truth."""
    layout = spec.layout(world)
    columns = feed.field_names
    header = [layout.headers.get(c, feed.field(c).label) for c in columns]
    types = [feed.field(c).type for c in columns]
    rel = feed_rel(spec, world, layout.suffix)
    sink = open_sink(out_dir / rel, header, layout, types)
    seed = world.seed
    rng = random.Random(f"{seed}:{feed.id}")
    noiser = FeedNoise(
        feed,
        columns,
        random.Random(f"{seed}:{feed.id}:noise"),
        money_text=layout.format != "parquet",
    )
    renderer = Renderer(feed, layout, columns, random.Random(f"{seed}:{feed.id}:format"))
    key_index = columns.index(feed.record_key)
    feed_id = feed.id
    write_record = records.write
    if any(ch in feed_id for ch in ',"\n'):
        raise ValueError(feed_id)
    write = sink.write
    render = renderer.render
    draw = noiser.draw
    try:
        for person_id, row, sheet in spec.build(world, rng):
            key = row[key_index]
            write_record(f"{feed_id},{key},{person_id}\n")  # keys are codes: no comma or quote
            cells = render(row)
            injected = draw(row)
            if injected is None:
                write(cells, sheet)
                continue
            for i, value in injected.overrides.items():
                cells[i] = value
            noise.writerow((feed_id, key, injected.kind, injected.field, injected.expected))
            write(cells, sheet)
            if injected.duplicate:
                write(cells, sheet)
    finally:
        sheets = sink.close()
    return FileInfo(rel, sink.rows, feed.id, layout.format, layout.encoding_name, sheets or {})


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(pop: Population, out_dir: Path, files: list[FileInfo]) -> str:
    """``manifest.json``: what was generated from what. Nothing time-dependent in it."""
    entries = []
    for f in sorted(files, key=lambda f: f.path):
        entry = {
            "path": f.path,
            "rows": f.rows,
            "sha256": sha256(out_dir / f.path),
            "feed": f.feed,
            "format": f.format,
            "encoding": f.encoding,
        }
        if f.sheets:
            entry["sheets"] = f.sheets
        entries.append(entry)
    manifest = {
        "generator": "doudi.synth",
        "seed": pop.seed,
        "households": len(pop.households),
        "persons": pop.person_count,
        "as_of": pop.as_of.isoformat(),
        "files": entries,
    }
    path = out_dir / MANIFEST
    path.write_bytes((json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return MANIFEST


PARTS = "truth/.parts"
# Rough cost of each feed at full scale (seconds), to split the work over two processes.
FEED_COST = {
    "renshe_contribution": 15.0,
    "shuiwu_income_tax": 10.0,
    "gongjijin_contribution": 9.5,
    "yibao_outpatient": 9.0,
    "yibao_inpatient": 7.0,
    "yibao_enrolment": 3.5,
    "budongchan_property": 2.3,
    "minzheng_recipients": 1.7,
    "gongan_vehicle": 1.6,
    "gongan_hukou": 1.5,
    "zonggonghui_hardship": 1.5,
    "canlian_disability": 1.3,
}


def split_feeds(catalogue: Catalogue, parts: int) -> list[list[str]]:
    """Feed ids in ``parts`` groups of about equal cost (greedy, deterministic)."""
    groups: list[list[str]] = [[] for _ in range(parts)]
    load = [0.0] * parts
    for feed_id in sorted(catalogue.feeds, key=lambda f: (-FEED_COST.get(f, 0.8), f)):
        k = min(range(parts), key=lambda i: (load[i], i))
        groups[k].append(feed_id)
        load[k] += FEED_COST.get(feed_id, 0.8)
    return groups


def write_feeds(
    pop: Population,
    out_dir: Path,
    feed_ids: Iterable[str],
    *,
    catalogue: Catalogue | None = None,
    world: World | None = None,
    progress=None,
) -> list[FileInfo]:
    """Write the given feeds. Their truth lines go to ``truth/.parts/<feed>.records|.noise``
    (joined by :func:`finish`), so feeds can be written in any order or process."""
    catalogue = catalogue or load_catalogue()
    feed_ids = list(feed_ids)
    missing = set(feed_ids) - set(SPECS) - {HUKOU_FEED}
    if missing:
        raise ValueError(f"no synthetic shape for feeds {sorted(missing)}")
    parts = out_dir / PARTS
    parts.mkdir(parents=True, exist_ok=True)
    if world is None and set(feed_ids) - {HUKOU_FEED}:
        world = build_world(pop)
    files = []
    for feed_id in feed_ids:
        if progress is not None:
            progress(feed_id)
        feed = catalogue[feed_id]
        with (
            (parts / f"{feed_id}.records").open(
                "w", encoding="utf-8", newline="", buffering=1 << 20
            ) as rec_fh,
            (parts / f"{feed_id}.noise").open("w", encoding="utf-8", newline="") as noise_fh,
        ):
            noise = csv.writer(noise_fh, lineterminator="\n")
            if feed_id == HUKOU_FEED:
                files.append(write_hukou(pop, out_dir, rec_fh))
            else:
                files.append(write_feed(feed, SPECS[feed_id], world, out_dir, rec_fh, noise))
    return files


def finish(
    pop: Population, out_dir: Path, files: list[FileInfo], *, catalogue: Catalogue | None = None
) -> list[FileInfo]:
    """Join the truth parts in catalogue order, write the other truth files and the manifest."""
    catalogue = catalogue or load_catalogue()
    parts = out_dir / PARTS
    written = {f.feed for f in files}
    if written != set(catalogue.feeds):
        raise ValueError(f"feeds not written: {sorted(set(catalogue.feeds) - written)}")
    out = list(files)
    for rel, header, suffix in (
        (TRUTH_RECORDS, "feed,record_key,person_id\n", "records"),
        (TRUTH_NOISE, "feed,record_key,kind,field,expected\n", "noise"),
    ):
        with (out_dir / rel).open("wb") as fh:
            fh.write(header.encode("utf-8"))
            for feed in catalogue:
                part = parts / f"{feed.id}.{suffix}"
                with part.open("rb") as src:
                    shutil.copyfileobj(src, fh, 1 << 20)
                part.unlink()
        out.append(FileInfo(rel, _lines(out_dir / rel) - 1))
    parts.rmdir()
    out += write_truth(pop, out_dir)
    write_manifest(pop, out_dir, out)
    return out


def write_all(
    pop: Population, out_dir: Path, *, catalogue: Catalogue | None = None, progress=None
) -> list[FileInfo]:
    """Every file in one process, manifest last. Returns the files written (manifest excluded).

    ``progress(feed_id)`` is called as each feed is about to be written.
    """
    catalogue = catalogue or load_catalogue()
    files = write_feeds(
        pop, out_dir, [f.id for f in catalogue], catalogue=catalogue, progress=progress
    )
    return finish(pop, out_dir, files, catalogue=catalogue)


def _lines(path: Path) -> int:
    with path.open("rb") as fh:
        return sum(block.count(b"\n") for block in iter(lambda: fh.read(1 << 20), b""))
