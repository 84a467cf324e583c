"""Ingest benchmark: generate a large CSV for a feed, ingest it, report rows/s and peak memory.

    python benchmarks/ingest_big_csv.py [--rows 5000000] [--encoding utf-8|gbk] [--keep DIR]

The CSV is streamed to a temporary file (never held in memory), for a feed defined in a
temporary catalogue folder (11 fields: record key, ID number, name, birth date, phone, enum,
money, month, integer, boolean, address). About 1% of rows carry a problem (bad dates, bad
money, formula strings, invalid phones, bad ID check digits) so the quarantine path runs too.
Peak memory is ru_maxrss of this process (generation is streamed, so it is the ingest's peak);
it must stay under 2 GiB.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

FEED = """
id = "bench_dibao"
department = "民政"
department_en = "Civil Affairs"
name = "低保对象（基准测试）"
name_en = "Dibao recipients (benchmark)"
semantics = "snapshot"
record_key = "record_no"
schedule = "monthly"
freshness_days = 45
legal_basis = "benchmark"
purpose = "benchmark"
retention = "benchmark"

[[fields]]
name = "record_no"
type = "code"
label = "档案编号"
required = true
max_length = 32

[[fields]]
name = "id_number"
type = "id_number"
label = "身份证号"

[[fields]]
name = "name"
type = "name"
label = "姓名"

[[fields]]
name = "birth_date"
type = "date"
label = "出生日期"

[[fields]]
name = "phone"
type = "phone"
label = "联系电话"

[[fields]]
name = "category"
type = "enum"
label = "保障类别"
choices = ["城市低保", "农村低保", "特困供养"]
required = true

[[fields]]
name = "amount"
type = "money"
label = "月保障金额"
min = 0
max = 100000

[[fields]]
name = "month"
type = "month"
label = "发放月份"
required = true

[[fields]]
name = "household_size"
type = "integer"
label = "家庭人口"
min = 1
max = 20

[[fields]]
name = "disabled"
type = "boolean"
label = "是否残疾"

[[fields]]
name = "address"
type = "string"
label = "家庭住址"
max_length = 200
"""

HEADER = [
    "档案编号",
    "身份证号",
    "姓名",
    "出生日期",
    "联系电话",
    "保障类别",
    "月保障金额",
    "发放月份",
    "家庭人口",
    "是否残疾",
    "家庭住址",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英华建国"
AREAS = ["420106", "420102", "420103", "420104", "420105", "420107", "420111", "420112"]
STREETS = ["积玉桥街", "杨园街", "徐家棚街", "中华路街", "黄鹤楼街", "紫阳街"]


def generate(path: Path, rows: int, encoding: str, seed: int = 7) -> None:
    """Stream ``rows`` rows to ``path``; about 1% of them carry a problem."""
    from doudi.engine import idnumber

    rnd = random.Random(seed)
    base = dt.date(1930, 1, 1)
    # Pools keep generation fast; values still vary as in a real extract.
    births = [base + dt.timedelta(days=rnd.randrange(0, 30000)) for _ in range(20_000)]
    ids = [
        idnumber.make(AREAS[i % len(AREAS)], births[i % len(births)], rnd.randrange(1000))
        for i in range(200_000)
    ]
    names = [
        rnd.choice(SURNAMES) + rnd.choice(GIVEN) + (rnd.choice(GIVEN) if i % 3 else "")
        for i in range(5_000)
    ]
    cats = ["城市低保", "农村低保", "特困供养"]
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        buf = []
        for i in range(rows):
            k = rnd.getrandbits(32)
            birth = births[k % 20_000]
            idn = ids[(i * 7919 + k) % 200_000]
            name = names[k % 5_000]
            phone = f"1{'3578'[k % 4]}{rnd.getrandbits(30) % 10**9:09d}"
            amount = f"{300 + k % 900}.{k % 100:02d}"
            bd = birth.isoformat() if i % 2 else f"{birth.year}/{birth.month}/{birth.day}"
            r = i % 100
            if r == 0:
                bd = "1970-13-45"  # bad_date
            elif r == 1:
                amount = "12.345"  # bad_money
            elif r == 2:
                name = '=HYPERLINK("x")'  # formula
            elif r == 3:
                phone = "12345"  # phone_invalid (flag)
            elif r == 4:
                idn = idn[:17] + ("0" if idn[17] != "0" else "1")  # id_check_digit (flag)
            buf.append(
                [
                    f"DB{i:09d}",
                    idn,
                    name,
                    bd,
                    phone,
                    cats[k % 3],
                    amount,
                    f"2024-{1 + k % 12:02d}",
                    str(1 + k % 6),
                    "是否"[k % 2],
                    f"武汉市武昌区{STREETS[k % len(STREETS)]}{1 + k % 300}号",
                ]
            )
            if len(buf) >= 10_000:
                w.writerows(buf)
                buf.clear()
        w.writerows(buf)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=5_000_000)
    ap.add_argument("--encoding", choices=["utf-8", "gbk"], default="utf-8")
    ap.add_argument("--keep", help="keep the work folder here instead of a temporary one")
    args = ap.parse_args(argv)

    from doudi.engine.catalogue import load_catalogue
    from doudi.engine.intake.pipeline import ingest_file
    from doudi.engine.lake import Lake

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(args.keep) if args.keep else Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        (work / "catalogue").mkdir(exist_ok=True)
        (work / "catalogue" / "bench_dibao.toml").write_text(FEED, encoding="utf-8")
        catalogue = load_catalogue(work / "catalogue")
        csv_path = work / "bench_dibao.csv"
        t0 = time.monotonic()
        generate(csv_path, args.rows, args.encoding)
        gen_s = time.monotonic() - t0
        size = csv_path.stat().st_size
        print(
            f"generated {args.rows:,} rows ({size / 2**20:.0f} MiB, {args.encoding}) "
            f"in {gen_s:.1f} s",
            flush=True,
        )
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        t0 = time.monotonic()
        result = ingest_file(
            csv_path,
            lake=Lake(work / "lake"),
            catalogue=catalogue,
            feed_id="bench_dibao",
            max_bytes=8 << 30,
        )
        secs = time.monotonic() - t0
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"status={result.status} error={result.error} encoding={result.encoding}")
        print(
            f"rows_read={result.rows_read:,} accepted={result.accepted:,} "
            f"quarantined={result.quarantined:,} written={result.written:,} "
            f"duplicates={result.duplicates:,} balanced={result.balanced}"
        )
        print(f"reasons={result.reasons} flagged={result.flagged}")
        print(f"ingest: {secs:.1f} s, {result.rows_read / secs:,.0f} rows/s")
        print(
            f"peak memory (ru_maxrss): {peak_kib / 2**20:.2f} GiB "
            f"(before ingest {rss_before / 2**20:.2f} GiB)"
        )
        ok = result.status == "ingested" and result.balanced and peak_kib < 2 * 2**20
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
