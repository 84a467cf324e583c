"""Write a :class:`~doudi.synth.population.Population` to files.

Department feeds imitate what an Excel-minded department exports: UTF-8 with a BOM, ``\\r\\n``
line endings, rows in a fixed order. Ground truth goes only under ``truth/``. Each writer
returns ``(path relative to out_dir, data rows)``. Standard library only.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path

from doudi.synth.population import Population

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
)
TRUTH_HOUSEHOLDS = "truth/households.csv"
TRUTH_PERSONS = "truth/persons.csv"
MANIFEST = "manifest.json"


def write_csv(
    out_dir: Path, rel: str, header: Sequence[str], rows: Iterable[Sequence[object]]
) -> tuple[str, int]:
    """Stream rows to ``out_dir/rel`` as Excel writes CSV (UTF-8 BOM, CRLF)."""
    path = out_dir / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow(row)
            count += 1
    return rel, count


def hukou_rel(pop: Population) -> str:
    return f"{HUKOU_DIR}/hukou_{pop.as_of:%Y%m%d}.csv"


def write_hukou(pop: Population, out_dir: Path) -> tuple[str, int]:
    """公安户籍 extract: one row per person, households in 户号 order, head first. Clean."""

    def rows():
        for hh in sorted(pop.households, key=lambda h: h.hukou_no):
            comm, street = hh.community, hh.street
            for p in hh.members:
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
                )

    return write_csv(out_dir, hukou_rel(pop), HUKOU_HEADER, rows())


def write_truth(pop: Population, out_dir: Path) -> list[tuple[str, int]]:
    households = sorted(pop.households, key=lambda h: h.hukou_no)
    hh_rows = ((h.hukou_no, 1 if h.hardship else 0, ";".join(h.causes)) for h in households)
    persons = sorted(pop.persons(), key=lambda p: p.person_id)
    p_rows = ((p.person_id, p.hukou_no, p.id_number) for p in persons)
    return [
        write_csv(out_dir, TRUTH_HOUSEHOLDS, ("hukou_no", "hardship", "causes"), hh_rows),
        write_csv(out_dir, TRUTH_PERSONS, ("person_id", "hukou_no", "id_number"), p_rows),
    ]


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_manifest(pop: Population, out_dir: Path, files: list[tuple[str, int]]) -> str:
    """``manifest.json``: what was generated from what. Nothing time-dependent in it."""
    manifest = {
        "generator": "doudi.synth",
        "seed": pop.seed,
        "households": len(pop.households),
        "persons": pop.person_count,
        "as_of": pop.as_of.isoformat(),
        "files": [
            {"path": rel, "rows": rows, "sha256": sha256(out_dir / rel)}
            for rel, rows in sorted(files)
        ],
    }
    path = out_dir / MANIFEST
    path.write_bytes((json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return MANIFEST


def write_all(pop: Population, out_dir: Path) -> list[tuple[str, int]]:
    """Every file, manifest last. Returns (relative path, rows) including the manifest (rows=-1)."""
    files = [write_hukou(pop, out_dir), *write_truth(pop, out_dir)]
    write_manifest(pop, out_dir, files)
    return files
