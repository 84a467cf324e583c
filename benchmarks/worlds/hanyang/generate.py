"""Build the hanyang world and write its department files and truth."""

from __future__ import annotations

import datetime as dt
import json
import resource
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from . import economy, feeds, noise, population, truth, write
from . import params as P


@dataclass
class Summary:
    households: int
    persons: int
    hardship: int
    files: list = field(default_factory=list)
    rows: dict = field(default_factory=dict)
    seconds: float = 0.0


def _csv(df: pd.DataFrame, path: Path) -> None:
    """A truth file: UTF-8, quoted only where needed."""
    table = pa.Table.from_pandas(
        df.astype({c: str for c in df.columns if df[c].dtype == object}), preserve_index=False
    )
    pacsv.write_csv(table, path, pacsv.WriteOptions(quoting_style="needed", quoting_header="none"))


class _Appender:
    """A CSV truth file written table by table."""

    def __init__(self, path: Path, columns: list[str]):
        self.path = path
        self.columns = columns
        self.writer = None

    def write(self, df: pd.DataFrame) -> None:
        table = pa.Table.from_pandas(df.astype(str), preserve_index=False)
        if self.writer is None:
            opts = pacsv.WriteOptions(quoting_style="needed", quoting_header="none")
            self.writer = pacsv.CSVWriter(self.path, table.schema, write_options=opts)
        self.writer.write_table(table)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        else:
            self.path.write_text(",".join(self.columns) + "\n", encoding="utf-8")


def _usable_identity(df: pd.DataFrame) -> np.ndarray:
    """Rows whose ID was removed or mangled beyond a near-miss still need a name together
    with a birth date or a phone number (the product's rule for person-level rows)."""
    n = len(df)
    ok = np.zeros(n, dtype=bool)
    for col in ("birth_date", "phone"):
        if col in df:
            ok |= df[col].notna().to_numpy() & (df[col].astype(str).to_numpy() != "")
    return ok


def generate(
    out: Path,
    *,
    households: int,
    seed: int,
    as_of: dt.date = P.DEFAULT_AS_OF,
    log=None,
) -> Summary:
    started = time.monotonic()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "truth").mkdir(exist_ok=True)
    streams = np.random.SeedSequence(seed).spawn(7)
    r_pop, r_base, r_reg, r_feed, r_noise, r_write, r_dup = (
        np.random.default_rng(s) for s in streams
    )

    def say(msg):
        if log:
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
            log(f"{time.monotonic() - started:6.1f}s {rss:5d} MiB  {msg}")

    pop = population.build(r_pop, households, as_of)
    say(f"{pop.H} households, {pop.N} persons")
    base = economy.baseline(r_base, pop)
    result = economy.simulate(base, keep=True)
    say("economy simulated")
    reg = truth.register(r_reg, pop, base, result)
    facts = truth.assess(pop, base, result, reg)
    htype = truth.household_type(base.pp, base, result, reg)
    say("truth assessed")

    ctx = feeds.Ctx(r_feed, pop, base, result, reg, as_of)

    cat = write.catalogue()
    pp = base.pp
    first = base.hh["first"]
    records = _Appender(out / "truth" / "records.csv", ["feed", "record_key", "person_id"])
    noise_rows = _Appender(
        out / "truth" / "noise.csv", ["feed", "file", "record_key", "noise", "expect_quarantine"]
    )
    summary = Summary(households=0, persons=pop.N, hardship=0)
    for table in feeds.build_all(ctx, externals=[]):
        if table.df.empty:  # an empty snapshot would be refused; nothing to deliver
            continue
        key = cat[table.feed].record_key
        noise.apply(r_noise, table, pp, first)
        counter = iter(range(10**9))

        def new_key(n, _stem=table.stem, _c=counter):
            return [f"{_stem[:2].upper()}R{next(_c):09d}" for _ in range(n)]

        table.df = noise.duplicates(r_dup, table, key, new_key)
        path = write.write(r_write, table, out, cat)
        summary.files.append(path.name)
        summary.rows[path.name] = len(table.df)
        df = table.df
        keys = df[key].astype(str).to_numpy()
        pid = df["_pid"].to_numpy()
        _, uniq = np.unique(keys, return_index=True)
        uniq.sort()
        records.write(
            pd.DataFrame(
                {
                    "feed": table.feed,
                    "record_key": keys[uniq],
                    "person_id": pp["person_id"][pid[uniq]],
                }
            )
        )
        noisy = df["_noise"].to_numpy(dtype=object) != ""
        if noisy.any():
            kinds = df["_noise"].to_numpy(dtype=object)
            lost_id = np.array(
                [("id_missing" in k or "id_truncated" in k) for k in kinds], dtype=bool
            )
            expect_q = noisy & lost_id & ~_usable_identity(df)
            sel = np.flatnonzero(noisy)
            noise_rows.write(
                pd.DataFrame(
                    {
                        "feed": table.feed,
                        "file": path.name,
                        "record_key": keys[sel],
                        "noise": kinds[sel],
                        "expect_quarantine": expect_q[sel].astype(int),
                    }
                )
            )
        say(f"wrote {path.name} ({len(df)} rows)")
        table.df = None
    records.close()
    noise_rows.close()

    # --- truth files
    hh = base.hh
    listed_h = np.bincount(pp["hh"], reg.listed, pop.H) > 0
    street = np.array(pop.com_street, dtype=object)[hh["community"]]
    band = np.select(
        [result.y < P.DIBAO, result.y < P.DIBIAN_FACTOR * P.DIBAO], ["dibao", "dibian"], "above"
    )
    prog_kind = result.prog.kind
    # what the income feeds show of the household's income (declared wages, pensions,
    # unemployment benefit, assistance): the rest is informal work, business, rent, family help
    m = result.mats
    seen_p = (
        np.where(m["is_formal"] & pp["tax_declared"][:, None], m["net"], 0.0)
        + np.where(m["member"], m["pension"], 0.0)
        + m["ub"]
    )[:, -P.INCOME_MONTHS :].mean(axis=1)
    seen_h = np.add.reduceat(seen_p, first) + m["benefit"][:, -P.INCOME_MONTHS :].mean(axis=1)
    seen_pc = np.where(result.n > 0, seen_h / np.maximum(result.n, 1), 0.0)
    households_df = pd.DataFrame(
        {
            "hukou_no": hh["hukou_no"],
            "hardship": result.hardship.astype(int),
            "causes": facts["causes"],
            "street_code": street,
            "household_type": htype,
            "head_age": np.floor(np.nan_to_num(facts["head_age"], nan=0)).astype(int),
            "shock": facts["shock"].astype(int),
            "quiet": facts["quiet"].astype(int),
            "community_code": np.array(pop.com_code, dtype=object)[hh["community"]],
            "members": result.n.astype(int),
            "income_pc": np.round(np.where(np.isfinite(result.y), result.y, 0), 0).astype(int),
            "income_seen_pc": np.round(seen_pc, 0).astype(int),
            "savings": np.round(result.savings, 0).astype(int),
            "band": np.where(result.n > 0, band, "none"),
            "programme": prog_kind,
        }
    )[listed_h]
    _csv(households_df, out / "truth" / "households.csv")
    persons_df = pd.DataFrame(
        {
            "person_id": pp["person_id"],
            "hukou_no": hh["hukou_no"][pp["hh"]],
            "id_number": pp["id18"],
            "in_register": reg.listed.astype(int),
            "member": m["member"][:, -1].astype(int),
            "alive": m["alive"][:, -1].astype(int),
        }
    )
    _csv(persons_df, out / "truth" / "persons.csv")
    summary.households = int(listed_h.sum())
    summary.hardship = int(households_df["hardship"].sum())
    summary.seconds = time.monotonic() - started
    meta = {
        "world": "hanyang",
        "seed": seed,
        "as_of": as_of.isoformat(),
        "households": summary.households,
        "persons": summary.persons,
        "hardship": summary.hardship,
        "hardship_rate": round(summary.hardship / max(summary.households, 1), 4),
        "not_delivered": list(feeds.NOT_DELIVERED),
        "outpatient_months": feeds.OUTPATIENT_MONTHS,
        "files": summary.rows,
    }
    (out / "truth" / "summary.json").write_text(
        json.dumps(meta, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    (out / "README.txt").write_text(
        f"hanyang world, seed {seed}, as of {as_of.isoformat()}: department files for "
        "`doudi ingest`; the truth is under truth/. How the world works: "
        "benchmarks/worlds/hanyang/README.md in the doudi repository.\n",
        encoding="utf-8",
    )
    say("truth written")
    return summary
