"""The cross-world quality report (issue 16): every world through doudi's command line, one
month of simulated home visits, and the information ceiling beside the product.

    .venv/bin/python -m benchmarks.worlds.report --households 10000 --seed 1 \\
        [--worlds A,B,C] [--var var/worlds] [--out report.md]

Worlds: **A** = ``doudi.synth`` (the project's own generator, the only world settings are tuned
on), **B** = ``benchmarks/worlds/hanyang``, **C** = ``benchmarks/worlds/qingshan``, **D** =
``benchmarks/worlds/hongshan``. For each:

1. generate the world into VAR/<world>-<households>-<seed>/data (kept and reused when its
   truth is already there: generation is deterministic by seed);
2. a fresh doudi state (SQLite, DOUDI_VAR_DIR=…/work): ``migrate``, ``ingest`` (which builds the
   register from the 公安 feed; worlds B, C and D first add their own communities, as their ``check.py``
   does), ``link``, ``monitor --as-of`` the world's date, ``export warnings``;
3. one month of visits, scaled to the world: the top ``4,500 × households / 130,000`` of the
   queue (by score) plus ``500 × households / 130,000`` random verification visits among the
   other households of the register; outcome = the world's truth; written as a CSV (random
   visits marked ``random`` with their ``selection_probability``, draws ÷ households drawn
   from, which the model weighs them by) and loaded with ``doudi monitor outcomes-import``;
4. ``monitor`` again (the statistical model retrains on the outcomes) and ``export warnings``;
5. evaluation against ``truth/households.csv``: precision / recall per level and cumulative,
   ROC AUC of the exported score (households not warned score 0), calibration by tenth of
   predicted probability (the exported ``probability`` column when there is one, else
   score / 100), recall by segment, and recall at precision 0.70 / 0.80 down the ranking;
6. the **information ceiling**: gradient boosting (HistGradientBoostingClassifier) on features
   built from every ingested feed joined to households by the *true* person id
   (``truth/records.csv``, perfect linkage) — plain aggregates of every feed
   (:func:`ceiling_features`) and the product's own model features computed by the engine
   on the same perfect linkage (:func:`engine_features`: indicators, household profile,
   income estimate, helps held, generic feed features), so that the ceiling knows at least
   what the product can know —, out-of-fold over every household (5-fold), and the same
   trained on 5,000 random households only (out-of-fold inside the sample, the model of the
   whole sample for the rest). The JSON also keeps the plain aggregates' ceiling alone
   (``generic``).

7. per hard trigger: the households it fired for and those whose level it raised (the last
   run's counts), and the precision of the warned households where it raised the level / only
   added points (:func:`trigger_precision`).

Prints one Markdown table (worlds as columns) and writes it, with the JSON behind it, next to
the worlds.
"""

from __future__ import annotations

import argparse
import copy
import csv
import datetime as dt
import json
import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
WORLDS = {"A": "synth", "B": "hanyang", "C": "qingshan", "D": "hongshan"}
FULL_DISTRICT = 130_000
QUEUE_VISITS, RANDOM_VISITS = 4_500, 500
CEILING_SAMPLE = 5_000
SEED = 20261206
LEVELS = ["watch", "warning", "urgent"]
ALIASES = {"关注": "watch", "预警": "warning", "紧急": "urgent"}
TARGET_PRECISIONS = (0.70, 0.80)


# ------------------------------------------------------------------ running doudi
def doudi_exe() -> str:
    return str(Path(sys.executable).with_name("doudi"))


class Runner:
    def __init__(self, work: Path):
        self.work = work
        self.env = dict(os.environ, DOUDI_VAR_DIR=str(work / "var"))
        # a fresh SQLite state under work/: nobody else's database or settings (under pytest,
        # the test settings)
        self.env.pop("DATABASE_URL", None)
        self.env.pop("DJANGO_SETTINGS_MODULE", None)
        self.log = work / "commands.log"
        self.seconds: dict[str, float] = {}

    def __call__(self, name: str, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        started = time.monotonic()
        p = subprocess.run([doudi_exe(), *args], env=self.env, capture_output=True, text=True)
        took = round(time.monotonic() - started, 1)
        self.seconds[name] = round(self.seconds.get(name, 0.0) + took, 1)
        with open(self.log, "a", encoding="utf-8") as fh:
            fh.write(f"$ doudi {' '.join(args)}   ({took} s, exit {p.returncode})\n")
            fh.write(p.stdout[-20000:])
            fh.write(p.stderr[-4000:])
            fh.write("\n")
        if check and p.returncode != 0:
            raise SystemExit(f"doudi {name} failed (exit {p.returncode}): see {self.log}")
        return p


# ------------------------------------------------------------------ worlds
class World:
    key = ""
    name = ""
    as_of = dt.date(2026, 11, 30)

    def __init__(self, root: Path, households: int, seed: int):
        self.households, self.seed = households, seed
        self.dir = root / f"{self.key}-{self.name}-{households}-{seed}"
        self.data = self.dir / "data"
        self.work = self.dir / "work"

    @property
    def truth(self) -> Path:
        return self.data / "truth"

    def generated(self) -> bool:
        return (self.truth / "households.csv").is_file() and (self.truth / "records.csv").is_file()

    def generate(self) -> None:
        raise NotImplementedError

    def ingest_dir(self) -> Path:
        return self.data

    def prepare(self, run: Runner) -> None:
        """Reference data the world needs before its files are ingested (none by default).
        The register itself is built by `doudi ingest` from the 公安 household-register feed."""

    def households_truth(self) -> pd.DataFrame:
        """hukou_no, hardship, street_code, household_type, head_age, quiet."""
        t = pd.read_csv(
            self.truth / "households.csv",
            dtype={"hukou_no": str, "street_code": str},
            keep_default_na=False,
        )
        t["hardship"] = t["hardship"].astype(int)
        t["quiet"] = pd.to_numeric(t["quiet"], errors="coerce").fillna(0).astype(int)
        return t[["hukou_no", "hardship", "street_code", "household_type", "head_age", "quiet"]]


def _python(*args: str) -> None:
    p = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"generation failed: {p.stderr.strip()[-800:]}")


class Synth(World):
    key, name = "A", "synth"
    as_of = dt.date(2026, 11, 1)

    def generate(self) -> None:
        from doudi.synth import generate

        generate(self.data, households=self.households, seed=self.seed, as_of=self.as_of)

    def ingest_dir(self) -> Path:
        return self.data / "feeds"

    def households_truth(self) -> pd.DataFrame:
        # the synthetic generator's truth holds hukou_no, hardship, causes only: the segments
        # come from its population, rebuilt from the seed (deterministic)
        from doudi.synth import build_population

        pop = build_population(self.households, seed=self.seed, as_of=self.as_of)
        rows = []
        for h in pop.households:
            ages = [p.age(self.as_of) for p in h.members]
            head = next((p for p in h.members if p.relation == "户主"), h.members[0])
            if len(h.members) == 1:
                kind = "single"
            elif min(ages) >= 60:
                kind = "elderly_only"
            elif min(ages) < 18:
                kind = "with_children"
            elif any(p.disability_grade for p in h.members):
                kind = "with_disabled"
            else:
                kind = "other"
            rows.append(
                (
                    h.hukou_no,
                    int(h.hardship),
                    h.street.code,
                    kind,
                    head.age(self.as_of),
                    # no sudden event behind the hardship
                    int(h.hardship and not h.sudden_event),
                )
            )
        return pd.DataFrame(
            rows,
            columns=["hukou_no", "hardship", "street_code", "household_type", "head_age", "quiet"],
        )


class Hanyang(World):
    key, name = "B", "hanyang"

    def generate(self) -> None:
        _python(
            "-m", "benchmarks.worlds.hanyang", "--out", str(self.data),
            "--households", str(self.households), "--seed", str(self.seed), "--quiet",
        )  # fmt: skip

    def prepare(self, run: Runner) -> None:
        from benchmarks.worlds.hanyang.check import _ADD_COMMUNITIES, _communities

        path = _communities(self.data, self.work)
        run("communities", "shell", "-c", _ADD_COMMUNITIES % {"path": str(path)})


class Qingshan(World):
    key, name = "C", "qingshan"

    def generate(self) -> None:
        _python(
            "-m", "benchmarks.worlds.qingshan", "--out", str(self.data),
            "--households", str(self.households), "--seed", str(self.seed),
        )  # fmt: skip

    def prepare(self, run: Runner) -> None:
        from benchmarks.worlds.qingshan.check import COMMUNITIES, register_files

        _reg, comm = register_files(self.data, self.work)
        run("communities", "shell", "-c", COMMUNITIES.format(path=str(comm)))


class HongShan(World):
    key, name = "D", "hongshan"

    def generate(self) -> None:
        _python(
            "-m", "benchmarks.worlds.hongshan", "--out", str(self.data),
            "--households", str(self.households), "--seed", str(self.seed), "--quiet",
        )  # fmt: skip

    def prepare(self, run: Runner) -> None:
        # the world's own communities (truth/communities.csv), added as world B adds its own
        from benchmarks.worlds.hanyang.check import _ADD_COMMUNITIES

        path = self.truth / "communities.csv"
        run("communities", "shell", "-c", _ADD_COMMUNITIES % {"path": str(path)})


WORLD_CLASSES = {"A": Synth, "B": Hanyang, "C": Qingshan, "D": HongShan}


# ------------------------------------------------------------------ the product path
def read_warnings(path: Path) -> pd.DataFrame:
    w = pd.read_csv(path, dtype={"hukou_no": str}, keep_default_na=False)
    w["score"] = pd.to_numeric(w["score"], errors="coerce").fillna(0.0)
    w["level"] = w["level"].map(lambda v: ALIASES.get(v, v))
    if "probability" in w.columns:
        w["probability"] = pd.to_numeric(w["probability"], errors="coerce")
    return w


def visit_plan(
    first: pd.DataFrame, truth: pd.DataFrame, households: int, seed: int
) -> pd.DataFrame:
    """One month of visits: the top of the queue plus random verification visits."""
    n_queue = max(1, round(QUEUE_VISITS * households / FULL_DISTRICT))
    n_random = max(1, round(RANDOM_VISITS * households / FULL_DISTRICT))
    queue = first.sort_values(["score", "hukou_no"], ascending=[False, True]).head(n_queue)
    rest = sorted(set(truth["hukou_no"]) - set(queue["hukou_no"]))
    rng = random.Random(seed)
    picked = rng.sample(rest, min(n_random, len(rest)))
    hard = truth.set_index("hukou_no")["hardship"]
    rows = [(h, "queue") for h in queue["hukou_no"]] + [(h, "random") for h in picked]
    plan = pd.DataFrame(rows, columns=["hukou_no", "kind"])
    plan["hardship_confirmed"] = plan["hukou_no"].map(hard).fillna(0).astype(int)
    return plan


def product(world: World, truth: pd.DataFrame) -> dict[str, Any]:
    if world.work.exists():
        shutil.rmtree(world.work)
    world.work.mkdir(parents=True)
    run = Runner(world.work)
    as_of = world.as_of.isoformat()
    run("migrate", "migrate", "--verbosity", "0")
    world.prepare(run)
    ingested = run("ingest", "ingest", str(world.ingest_dir()), check=False).stdout
    register = "\n".join(line for line in ingested.splitlines() if "register" in line.lower())
    run("link", "link")
    first_run = run("monitor", "monitor", "--as-of", as_of).stdout.strip()
    run("export", "export", "warnings", "--out", str(world.work / "warnings_before.csv"))
    first = read_warnings(world.work / "warnings_before.csv")
    plan = visit_plan(first, truth, world.households, world.seed)
    visits = world.work / "visits.csv"
    # a random visit's selection probability: its draws ÷ the households it was drawn from
    drawn_from = len(truth) - int((plan["kind"] == "queue").sum())
    p_random = int((plan["kind"] == "random").sum()) / max(drawn_from, 1)
    with open(visits, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(
            ["hukou_no", "visited_on", "hardship_confirmed", "random", "selection_probability"]
        )
        for h, y, kind in zip(
            plan["hukou_no"], plan["hardship_confirmed"], plan["kind"], strict=True
        ):
            rnd = kind == "random"
            w.writerow(
                [h, as_of, "true" if y else "false", "true" if rnd else "false"]
                + [f"{p_random:.10f}" if rnd else ""]
            )
    imported = run("outcomes", "monitor", "outcomes-import", str(visits), check=False)
    second_run = run("monitor", "monitor", "--as-of", as_of).stdout.strip()
    run("export", "export", "warnings", "--out", str(world.work / "warnings.csv"))
    summary = {
        "register": register.splitlines()[0] if register else "",
        "first_run": first_run.splitlines()[0] if first_run else "",
        "visits": {
            "queue": int((plan["kind"] == "queue").sum()),
            "random": int((plan["kind"] == "random").sum()),
            "confirmed": int(plan["hardship_confirmed"].sum()),
            "imported": imported.stdout.strip().splitlines()[-1] if imported.stdout else "",
        },
        "second_run": second_run.splitlines()[0] if second_run else "",
        "seconds": run.seconds,
    }
    (world.work / "product.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1))
    return dict(summary, warnings=read_warnings(world.work / "warnings.csv"))


def product_reused(world: World) -> dict[str, Any] | None:
    done = world.work / "product.json"
    if not done.is_file() or not (world.work / "warnings.csv").is_file():
        return None
    summary = json.loads(done.read_text(encoding="utf-8"))
    return dict(summary, warnings=read_warnings(world.work / "warnings.csv"))


# ------------------------------------------------------------------ evaluation
def pr(warned: np.ndarray, hard: np.ndarray) -> dict[str, Any]:
    tp, nw, nh = int((warned & hard).sum()), int(warned.sum()), int(hard.sum())
    return {
        "warned": nw,
        "precision": tp / nw if nw else None,
        "recall": tp / nh if nh else None,
    }


def recall_at_precision(score: np.ndarray, hard: np.ndarray, target: float) -> float:
    """The largest recall of any cut down the ranking (ties cut together) whose precision
    reaches ``target``; households with score ≤ 0 or NaN are never warned."""
    ok = np.isfinite(score) & (score > 0)
    s, y = score[ok], hard[ok]
    if not len(s) or not hard.sum():
        return 0.0
    order = np.argsort(-s, kind="stable")
    s, y = s[order], y[order]
    tp = np.cumsum(y)
    n = np.arange(1, len(y) + 1)
    last = np.r_[s[1:] != s[:-1], True]  # end of each group of equal scores
    prec, rec = tp[last] / n[last], tp[last] / hard.sum()
    good = prec >= target
    return float(rec[good].max()) if good.any() else 0.0


def auc(score: np.ndarray, hard: np.ndarray) -> float | None:
    from sklearn.metrics import roc_auc_score

    if hard.all() or not hard.any():
        return None
    return float(roc_auc_score(hard, np.nan_to_num(score)))


def calibration(p: np.ndarray, hard: np.ndarray, min_n: int = 20) -> dict[str, Any]:
    """By tenth of predicted probability: warnings, mean prediction, observed share."""
    bins = np.clip((p * 10).astype(int), 0, 9)
    rows, err, weight = [], 0.0, 0
    for b in range(10):
        m = bins == b
        n = int(m.sum())
        if not n:
            continue
        pred, obs = float(p[m].mean()), float(hard[m].mean())
        rows.append({"tenth": b, "n": n, "predicted": pred, "observed": obs})
        err += n * abs(pred - obs)
        weight += n
    big = [abs(r["predicted"] - r["observed"]) for r in rows if r["n"] >= min_n]
    return {
        "bins": rows,
        "ece": err / weight if weight else None,
        "max_gap": max(big) if big else None,
    }


def age_band(age: pd.Series) -> pd.Series:
    return pd.cut(
        pd.to_numeric(age, errors="coerce"),
        [0, 40, 60, 75, 200],
        right=False,
        labels=["<40", "40-59", "60-74", "75+"],
    ).astype(str)


def evaluate(warnings: pd.DataFrame, truth: pd.DataFrame) -> dict[str, Any]:
    df = truth.merge(
        warnings.drop_duplicates("hukou_no"), on="hukou_no", how="left", suffixes=("", "_w")
    )
    hard = df["hardship"].to_numpy(bool)
    level = df["level"].fillna("")
    rank = level.map({lv: i for i, lv in enumerate(LEVELS)}).fillna(-1).to_numpy()
    score = df["score"].fillna(0.0).to_numpy(float)
    out: dict[str, Any] = {
        "households": len(df),
        "hardship": int(hard.sum()),
        "warnings": int((rank >= 0).sum()),
        "levels": {lv: pr(rank == i, hard) for i, lv in enumerate(LEVELS)},
        "cumulative": {lv: pr(rank >= i, hard) for i, lv in enumerate(LEVELS)},
        "auc": auc(score, hard),
        "recall_at": {str(t): recall_at_precision(score, hard, t) for t in TARGET_PRECISIONS},
    }
    warned = rank >= 0
    # the score read as a probability, and the calibrated probability when exported
    out["calibration_score"] = calibration(np.clip(score[warned] / 100.0, 0, 1), hard[warned])
    out["calibration"] = None
    if "probability" in df.columns and df.loc[warned, "probability"].notna().all() and warned.any():
        p = df.loc[warned, "probability"].to_numpy(float)
        out["calibration"] = calibration(p, hard[warned])
    seg: dict[str, dict[str, Any]] = {}
    for name, col in (
        ("household_type", df["household_type"].astype(str)),
        ("head_age", age_band(df["head_age"])),
        ("street", df["street_code"].astype(str)),
        ("quiet", df["quiet"].map({1: "quiet", 0: "not quiet"})),
    ):
        seg[name] = {}
        for key in sorted(col.dropna().unique()):
            m = (col == key).to_numpy() & hard
            if m.sum():
                seg[name][str(key)] = {
                    "hardship": int(m.sum()),
                    "recall": float((warned & m).sum() / m.sum()),
                }
    out["segments"] = seg
    return out


def trigger_precision(world: World, truth: pd.DataFrame) -> dict[str, dict[str, Any]]:
    """Per hard trigger of the last run (issue 16 item 3): the households it fired for and
    those whose level it raised (the run's counts), and the precision against the truth of
    the warned households where it raised the level / where it only added points (the
    warnings' explanations; a household below every band keeps none)."""
    import sqlite3

    db = world.work / "var" / "doudi.sqlite3"
    if not db.is_file():
        return {}
    con = sqlite3.connect(db)
    try:
        run_id, counts = con.execute(
            "SELECT id, counts FROM monitoring_monitoringrun WHERE status = 'succeeded' "
            "ORDER BY id DESC LIMIT 1"
        ).fetchone()
        rows = con.execute(
            "SELECT h.hukou_no, w.explanation FROM monitoring_warning AS w "
            "JOIN registry_household AS h ON h.id = w.household_id "
            "WHERE w.run_id = ? AND w.status = 'open'",
            (run_id,),
        ).fetchall()
    finally:
        con.close()
    hard = truth.set_index("hukou_no")["hardship"].astype(bool)
    fired = json.loads(counts or "{}").get("triggers", {})
    out: dict[str, dict[str, Any]] = {
        t: {"fired": c.get("fired", 0), "raised": c.get("raised", 0), "hit": {}, "n": {}}
        for t, c in fired.items()
    }
    for hukou, text in rows:
        for t in json.loads(text or "{}").get("triggers") or []:
            o = out.setdefault(t["id"], {"fired": None, "raised": None, "hit": {}, "n": {}})
            k = "raised" if t.get("raises") else "points"
            o["n"][k] = o["n"].get(k, 0) + 1
            o["hit"][k] = o["hit"].get(k, 0) + int(bool(hard.get(hukou, False)))
    for o in out.values():
        o["precision"] = {k: o["hit"][k] / o["n"][k] for k in o["n"]}
    return out


# ------------------------------------------------------------------ the information ceiling
def _feed_frames(world: World) -> dict[str, pd.DataFrame]:
    from doudi.engine.catalogue import load_catalogue
    from doudi.engine.lake import Lake

    lake = Lake(world.work / "var" / "lake")
    catalogue = load_catalogue()
    frames = {}
    for feed_id in lake.feed_ids():
        files = lake.files(feed_id)
        if not files or feed_id not in catalogue.feeds:
            continue
        df = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
        key = catalogue.feeds[feed_id].record_key
        df = df.rename(columns={key: "_record_key"})
        df["_record_key"] = df["_record_key"].astype(str)
        frames[feed_id] = df.drop_duplicates("_record_key")
    return frames


def ceiling_features(world: World, truth: pd.DataFrame) -> pd.DataFrame:
    """Per household, from every ingested feed joined by the true person id: row counts; sum
    and max of every numeric column; for every date column the newest and oldest (days
    before the as-of date) and rows in the last year; counts of each value of every column
    with few distinct values. Plain readings of the records — nothing from the truth but who
    is who."""
    records = pd.read_csv(world.truth / "records.csv", dtype=str, keep_default_na=False)
    persons = pd.read_csv(world.truth / "persons.csv", dtype=str, keep_default_na=False)
    person_hh = persons.drop_duplicates("person_id").set_index("person_id")["hukou_no"]
    records["hukou_no"] = records["person_id"].map(person_hh)
    records = records.dropna(subset=["hukou_no"]).drop_duplicates(["feed", "record_key"])
    as_of = pd.Timestamp(world.as_of)
    parts = [truth[["hukou_no"]].set_index("hukou_no")]
    for feed_id, df in _feed_frames(world).items():
        keys = records[records["feed"] == feed_id][["record_key", "hukou_no"]].rename(
            columns={"hukou_no": "_hh"}
        )
        df = df.merge(
            keys, left_on="_record_key", right_on="record_key", suffixes=("", "_truth"), how="inner"
        )
        if df.empty:
            continue
        g = df.groupby("_hh")
        cols: dict[str, pd.Series] = {f"{feed_id}:rows": g.size()}
        for c in df.columns:
            if c in {"_record_key", "record_key", "record_key_truth", "_hh"}:
                continue
            s = df[c]
            if pd.api.types.is_bool_dtype(s):
                s = s.astype(float)
            if pd.api.types.is_numeric_dtype(s):
                v = pd.to_numeric(s, errors="coerce")
                cols[f"{feed_id}:{c}:sum"] = v.groupby(df["_hh"]).sum()
                cols[f"{feed_id}:{c}:max"] = v.groupby(df["_hh"]).max()
            elif pd.api.types.is_datetime64_any_dtype(s) or (
                s.dtype == object and len(s) and isinstance(s.dropna().iloc[0], dt.date)
                if s.notna().any()
                else False
            ):
                d = (as_of - pd.to_datetime(s, errors="coerce")).dt.days
                cols[f"{feed_id}:{c}:newest"] = d.groupby(df["_hh"]).min()
                cols[f"{feed_id}:{c}:oldest"] = d.groupby(df["_hh"]).max()
                cols[f"{feed_id}:{c}:year"] = (d.between(0, 365)).groupby(df["_hh"]).sum()
            else:
                values = s.astype(str)
                top = values.value_counts()
                if 1 < len(top) <= 12:
                    for val in top.index:
                        cols[f"{feed_id}:{c}={val}"] = (values == val).groupby(df["_hh"]).sum()
        parts.append(pd.DataFrame(cols))
    x = pd.concat(parts, axis=1).reindex(truth["hukou_no"]).astype("float64")
    return _informative(x.replace([np.inf, -np.inf], np.nan))


def perfect_persons(world: World) -> pd.DataFrame:
    """Identity resolution's persons as the world's truth has them (perfect linkage): one
    person key per true person id, for every delivered record."""
    records = pd.read_csv(world.truth / "records.csv", dtype=str, keep_default_na=False)
    codes, _ = pd.factorize(records["person_id"])
    return pd.DataFrame(
        {
            "unique_id": records["feed"] + ":" + records["record_key"],
            "source": records["feed"],
            "record_key": records["record_key"],
            "person_key": codes.astype("int64") + 1,
        }
    ).drop_duplicates("unique_id")


def engine_features(world: World, truth: pd.DataFrame) -> pd.DataFrame:
    """The product's own model features per household, computed by the engine on the
    product path's lake with perfect linkage (:func:`perfect_persons`) as of the world's
    date: the shipped policy with the generic feed features on, every column a training run
    computes. Households no indicator or trigger concerns have none (missing), and
    ``engine:candidate`` says which households the engine scored (1) or not (0)."""
    from doudi.engine.catalogue import load_catalogue
    from doudi.engine.lake import Lake
    from doudi.engine.monitoring import Policy, default_policy, monitor

    doc = default_policy()
    doc = {**doc, "model": {**doc["model"], "feed_features": True}}
    result = monitor(
        Lake(world.work / "var" / "lake"),
        load_catalogue(),
        perfect_persons(world),
        policy=Policy.from_dict(doc),
        as_of=world.as_of,
        training=True,
    )
    f = result.features.apply(pd.to_numeric, errors="coerce").astype("float64")
    f.columns = [f"engine:{c}" for c in f.columns]
    f["engine:candidate"] = 1.0
    f.index = f.index.astype(str)
    f = f.reindex(truth["hukou_no"].astype(str))
    f["engine:candidate"] = f["engine:candidate"].fillna(0.0)
    return f.set_axis(truth["hukou_no"], axis=0)


def _informative(x: pd.DataFrame) -> pd.DataFrame:
    """The columns that tell households apart: at least 5 readings, more than one value."""
    return x.loc[:, (x.notna().sum() >= 5) & (x.nunique() > 1)]


def _gbm():
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(
        max_iter=300, learning_rate=0.08, early_stopping=True, random_state=SEED
    )


def out_of_fold(x: np.ndarray, y: np.ndarray, folds: int = 5) -> np.ndarray:
    from sklearn.model_selection import StratifiedKFold

    p = np.full(len(y), np.nan)
    if min(int(y.sum()), int(len(y) - y.sum())) < 2:  # nothing to learn: the prevalence
        return np.full(len(y), float(y.mean()) if len(y) else 0.0)
    folds = max(2, min(folds, int(y.sum()), int(len(y) - y.sum())))
    for train, test in StratifiedKFold(folds, shuffle=True, random_state=SEED).split(x, y):
        p[test] = _gbm().fit(x[train], y[train]).predict_proba(x[test])[:, 1]
    return p


def ceiling(world: World, truth: pd.DataFrame, sample: int = CEILING_SAMPLE) -> dict[str, Any]:
    from threadpoolctl import threadpool_limits

    # one thread: on a shared, loaded machine OpenMP's threads wait on each other (10× slower)
    with threadpool_limits(1):
        return _ceiling(world, truth, sample)


def _ceiling(world: World, truth: pd.DataFrame, sample: int) -> dict[str, Any]:
    generic = ceiling_features(world, truth)
    engine = _informative(engine_features(world, truth).replace([np.inf, -np.inf], np.nan))
    x = pd.concat([generic, engine], axis=1).to_numpy()
    y = truth["hardship"].to_numpy(int)
    hard = y.astype(bool)
    full = out_of_fold(x, y)
    alone = out_of_fold(generic.to_numpy(), y)  # the plain aggregates alone (before)
    n = min(sample, len(y) // 2)
    idx = np.random.default_rng(SEED).choice(len(y), size=n, replace=False)
    part = np.full(len(y), np.nan)
    part[idx] = out_of_fold(x[idx], y[idx])
    rest = np.setdiff1d(np.arange(len(y)), idx)
    if 0 < y[idx].sum() < len(idx):
        part[rest] = _gbm().fit(x[idx], y[idx]).predict_proba(x[rest])[:, 1]
    else:
        part[rest] = float(y[idx].mean())
    result: dict[str, Any] = {
        "features": int(x.shape[1]),
        "engine_features": int(engine.shape[1]),
        "sample_size": n,
        "generic": {
            "auc": auc(alone, hard),
            "recall_at": {str(t): recall_at_precision(alone, hard, t) for t in TARGET_PRECISIONS},
        },
    }
    for name, p in (("all", full), ("sample", part)):
        result[name] = {
            "auc": auc(p, hard),
            "recall_at": {str(t): recall_at_precision(p, hard, t) for t in TARGET_PRECISIONS},
            "out_of_fold": bool(np.isfinite(p).all()),
        }
    visited = visit_outcomes(world)
    if visited is not None:
        # the product knows the month's visited households' outcomes: the ceiling too
        at = pd.Index(truth["hukou_no"]).get_indexer(visited.index)
        known = full.copy()
        known[at[at >= 0]] = visited.to_numpy(float)[at >= 0]
        result["with_visits"] = {
            "recall_at": {str(t): recall_at_precision(known, hard, t) for t in TARGET_PRECISIONS}
        }
        result["not_visited"] = recall_on_unvisited(full, truth, visited)
    return result


def visit_outcomes(world: World) -> pd.Series | None:
    """The month of visits the product path imported (index hukou_no, 1: hardship
    confirmed), or None before the product has run."""
    path = world.work / "visits.csv"
    if not path.is_file():
        return None
    v = pd.read_csv(path, dtype=str, keep_default_na=False)
    return pd.Series(
        (v["hardship_confirmed"] == "true").astype(int).to_numpy(), index=v["hukou_no"]
    )


def recall_on_unvisited(
    score: np.ndarray, truth: pd.DataFrame, visited: pd.Series
) -> dict[str, float]:
    """Recall at each target precision among the households the month's visits did not
    reach (whose outcome no model was told): the ranking's own merit, without the households
    whose truth the visits revealed."""
    keep = ~truth["hukou_no"].isin(visited.index).to_numpy()
    hard = truth["hardship"].to_numpy(bool)[keep]
    return {str(t): recall_at_precision(score[keep], hard, t) for t in TARGET_PRECISIONS}


def product_unvisited(
    world: World, truth: pd.DataFrame, warnings: pd.DataFrame
) -> dict[str, float] | None:
    """:func:`recall_on_unvisited` of the exported score (not warned = 0)."""
    visited = visit_outcomes(world)
    if visited is None:
        return None
    score = truth[["hukou_no"]].merge(warnings[["hukou_no", "score"]], on="hukou_no", how="left")
    return recall_on_unvisited(score["score"].fillna(0.0).to_numpy(float), truth, visited)


# ------------------------------------------------------------------ per-feed ablation
# The register (公安 户籍) is what monitoring scores: a run without it has no households, so
# it is never removed.
ABLATION_KEEP = ("gongan_hukou",)


def ablation_feeds(world: World) -> list[str]:
    """The feeds monitoring reads that the world delivers (each is removed in turn)."""
    from doudi.engine.monitoring.feeds import FEEDS

    present = {_feed_of(p.name) for p in world.ingest_dir().iterdir()}
    return [f for f in FEEDS if f in present and f not in ABLATION_KEEP]


def _feed_of(name: str) -> str:
    """The feed a file or folder of a world's delivery belongs to: its name up to the first
    dot (``renshe_contribution``, ``renshe_contribution.csv``, ``renshe_contribution.2025.csv``)."""
    return name.split(".", 1)[0]


def ablated(world: World, feed: str) -> World:
    """The same world delivered without ``feed``: a folder of hard links to every other file, and a
    work folder of its own (``<world>/ablation/<feed>``)."""
    base = world.dir / "ablation" / feed
    farm = base / "ingest"
    if farm.exists():
        shutil.rmtree(farm)
    farm.mkdir(parents=True)
    source = world.ingest_dir()
    for p in sorted(source.iterdir()):
        if _feed_of(p.name) == feed:
            continue
        # hard links (ingest does not follow symbolic links into folders)
        if p.is_dir():
            shutil.copytree(p, farm / p.name, copy_function=os.link)
        else:
            os.link(p, farm / p.name)
    variant = copy.copy(world)
    variant.work = base / "work"
    variant.ingest_dir = lambda: farm  # type: ignore[method-assign]
    return variant


def ablation(
    world: World, truth: pd.DataFrame, feeds: list[str], *, reuse: bool = False
) -> dict[str, Any]:
    """Each feed removed in turn from the ingest: the product path again, evaluated.
    ``reuse``: a feed whose ablated run already finished is evaluated again, not rerun."""
    out: dict[str, Any] = {}
    for feed in feeds:
        print(f"{world.key}: without {feed}", file=sys.stderr)
        variant = copy.copy(world)
        variant.work = world.dir / "ablation" / feed / "work"
        prod = (product_reused(variant) if reuse else None) or product(ablated(world, feed), truth)
        ev = evaluate(prod.pop("warnings"), truth)
        out[feed] = {"levels": ev["levels"], "cumulative": ev["cumulative"], "auc": ev["auc"]}
    return out


def ablation_rows(full: dict[str, Any], ablated_evals: dict[str, Any]) -> list[dict[str, Any]]:
    """Per removed feed: precision and recall of all levels and of 预警 and above, and their
    change against the full run (``None`` where either side has no value); sorted by the
    loss of all-levels recall, largest first."""

    def delta(a: float | None, b: float | None) -> float | None:
        return None if a is None or b is None else b - a

    rows = []
    for feed, ev in ablated_evals.items():
        row: dict[str, Any] = {"feed": feed}
        for name, level in (("all", "watch"), ("warning", "warning")):
            f, a = full["cumulative"][level], ev["cumulative"][level]
            row[name] = {
                "precision": a["precision"],
                "recall": a["recall"],
                "warned": a["warned"],
                "d_precision": delta(f["precision"], a["precision"]),
                "d_recall": delta(f["recall"], a["recall"]),
            }
        rows.append(row)
    rows.sort(key=lambda r: (r["all"]["d_recall"] is None, r["all"]["d_recall"] or 0.0, r["feed"]))
    return rows


def _pts(v: float | None) -> str:
    """A change of a rate in points (``+1.2`` / ``−3.4``), ``—`` when unknown."""
    if v is None:
        return "—"
    p = round(v * 100, 1)
    return ("+" if p > 0 else "−" if p < 0 else "±") + f"{abs(p):.1f}"


def ablation_table(world: str, full: dict[str, Any], ablated_evals: dict[str, Any]) -> str:
    """The ablation as Markdown: the full run first, then each feed removed."""
    head = (
        f"| {world}: feed removed | all levels P / R (warned) | Δ P / Δ R (pts) "
        "| 预警+ P / R (warned) | Δ P / Δ R (pts) |"
    )
    lines = [head, "|---|---|---|---|---|"]
    fa, fw = full["cumulative"]["watch"], full["cumulative"]["warning"]
    lines.append(f"| (none: full run) | {_pr(fa)} | | {_pr(fw)} | |")
    for r in ablation_rows(full, ablated_evals):
        cells = [f"`{r['feed']}`"]
        for name in ("all", "warning"):
            d = r[name]
            cells.append(_pr(d))
            cells.append(f"{_pts(d['d_precision'])} / {_pts(d['d_recall'])}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


# ------------------------------------------------------------------ fairness flags
FAIRNESS_GAP = 0.05  # a segment's recall more than 5 points from the overall is flagged
FAIRNESS_MIN_HARDSHIP = 10  # segments with fewer households in hardship are not judged
CAUSES = {
    "no_wage": "without a wage record",
    "no_help": "known to no programme",
    "quiet": "no single indicator flags (quiet hardship)",
}


def household_marks(world: World, truth: pd.DataFrame) -> pd.DataFrame:
    """Per household (``hukou_no``), what may explain a segment's lower recall: ``no_wage``
    (no member has a 社保 contribution record), ``no_help`` (no member is in the assistance
    feed), ``quiet`` (the truth's own mark). Read from the delivered records joined by the
    true person id."""
    records = pd.read_csv(world.truth / "records.csv", dtype=str, keep_default_na=False)
    persons = pd.read_csv(world.truth / "persons.csv", dtype=str, keep_default_na=False)
    person_hh = persons.drop_duplicates("person_id").set_index("person_id")["hukou_no"]
    hh_of = records["person_id"].map(person_hh)
    marks = truth[["hukou_no"]].copy()
    for name, feed in (("no_wage", "renshe_contribution"), ("no_help", "minzheng_recipients")):
        having = set(hh_of[records["feed"] == feed].dropna())
        marks[name] = ~marks["hukou_no"].isin(having)
    marks["quiet"] = truth["quiet"].astype(bool).to_numpy()
    return marks


def segment_causes(
    truth: pd.DataFrame, marks: pd.DataFrame, warned: np.ndarray
) -> dict[str, dict[str, dict[str, float]]]:
    """Per segment (as :func:`evaluate` cuts them) and overall (``"*"``), among its
    households in hardship *that were missed*: the share with each mark of :data:`CAUSES`."""
    df = truth.drop(columns=["quiet"], errors="ignore").merge(marks, on="hukou_no", how="left")
    missed = df["hardship"].to_numpy(bool) & ~warned
    out: dict[str, dict[str, dict[str, float]]] = {"*": {"*": _shares(df, missed)}}
    for name, col in _segment_columns(df).items():
        out[name] = {}
        for key in sorted(col.dropna().unique()):
            m = missed & (col == key).to_numpy()
            if m.any():
                out[name][str(key)] = _shares(df, m)
    return out


def _shares(df: pd.DataFrame, m: np.ndarray) -> dict[str, float]:
    return {c: float(df.loc[m, c].fillna(False).astype(bool).mean()) for c in CAUSES}


def _segment_columns(df: pd.DataFrame) -> dict[str, pd.Series]:
    return {
        "household_type": df["household_type"].astype(str),
        "head_age": age_band(df["head_age"]),
        "street": df["street_code"].astype(str),
    }


def fairness_flags(
    segments: dict[str, dict[str, dict[str, Any]]],
    overall: float | None,
    causes: dict[str, dict[str, dict[str, float]]] | None = None,
    *,
    gap: float = FAIRNESS_GAP,
    min_hardship: int = FAIRNESS_MIN_HARDSHIP,
) -> list[dict[str, Any]]:
    """The segments whose recall is more than ``gap`` from ``overall`` (street, household
    type, head age; segments with fewer than ``min_hardship`` in hardship are not judged),
    each with its gap and, when ``causes`` tells, the likely cause: the mark of
    :data:`CAUSES` most over-represented among the segment's missed households against all
    missed households (only when it is at least 10 points over)."""
    if overall is None:
        return []
    flags = []
    for name in ("street", "household_type", "head_age"):
        for key, v in sorted(segments.get(name, {}).items()):
            if v["hardship"] < min_hardship or v["recall"] is None:
                continue
            d = v["recall"] - overall
            if abs(d) <= gap + 1e-12:
                continue
            flag: dict[str, Any] = {"segment": name, "key": key, "gap": d, "cause": None}
            seg_c = (causes or {}).get(name, {}).get(key)
            all_c = (causes or {}).get("*", {}).get("*")
            if d < 0 and seg_c and all_c:
                excess = {c: seg_c[c] - all_c[c] for c in CAUSES}
                best = max(sorted(excess), key=lambda c: excess[c])
                if excess[best] >= 0.10:
                    flag["cause"] = {
                        "mark": best,
                        "share": seg_c[best],
                        "overall_share": all_c[best],
                    }
            flags.append(flag)
    return flags


def flag_text(flag: dict[str, Any]) -> str:
    """A flag in Markdown: ``**✗ −12.0 pts**`` (below) or ``**✗ +7.0 pts**`` (above), with the
    cause when known."""
    text = f"**✗ {_pts(flag['gap'])} pts**"
    c = flag.get("cause")
    if c:
        text += (
            f" — {c['share']:.0%} of its missed households {CAUSES[c['mark']]} "
            f"(all missed: {c['overall_share']:.0%})"
        )
    return text


def fairness_section(results: dict[str, dict[str, Any]]) -> str:
    """Per world, the flagged segments (or that none is)."""
    lines = [f"Segments more than {FAIRNESS_GAP * 100:.0f} points from the overall recall:"]
    for k, r in results.items():
        flags = r.get("fairness") or []
        overall = r["eval"]["cumulative"]["watch"]["recall"]
        if not flags:
            lines.append(f"- {k} ({r['world']}): none (overall recall {_f(overall)})")
            continue
        lines.append(f"- {k} ({r['world']}), overall recall {_f(overall)}:")
        for fl in flags:
            seg = r["eval"]["segments"][fl["segment"]][fl["key"]]
            lines.append(
                f"  - {fl['segment'].replace('_', ' ')} {fl['key']}: recall {_f(seg['recall'])} "
                f"(n={seg['hardship']}) {flag_text(fl)}"
            )
    return "\n".join(lines)


# ------------------------------------------------------------------ the report
def _f(v: Any, digits: int = 3) -> str:
    return "—" if v is None else f"{v:.{digits}f}"


def _pr(d: dict[str, Any]) -> str:
    return f"P {_f(d['precision'])} / R {_f(d['recall'])} ({d['warned']})"


def table(results: dict[str, dict[str, Any]]) -> str:
    keys = list(results)
    head = "| | " + " | ".join(f"{k} ({results[k]['world']})" for k in keys) + " |"
    lines = [head, "|---|" + "---|" * len(keys)]

    def row(label: str, f) -> None:
        cells = []
        for k in keys:
            try:
                cells.append(f(results[k]))
            except (KeyError, TypeError):
                cells.append("—")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")

    row(
        "households (in hardship)", lambda r: f"{r['eval']['households']} ({r['eval']['hardship']})"
    )
    row(
        "visits: queue + random (confirmed)",
        lambda r: "{queue} + {random} ({confirmed})".format(**r["visits"]),
    )
    row("紧急 (urgent)", lambda r: _pr(r["eval"]["levels"]["urgent"]))
    row("预警 (warning) only", lambda r: _pr(r["eval"]["levels"]["warning"]))
    row("关注 (watch) only", lambda r: _pr(r["eval"]["levels"]["watch"]))
    row("**预警 and above**", lambda r: _pr(r["eval"]["cumulative"]["warning"]))
    row("**all levels**", lambda r: _pr(r["eval"]["cumulative"]["watch"]))
    row("ROC AUC (score; not warned = 0)", lambda r: _f(r["eval"]["auc"]))
    row(
        "calibration error of score/100: mean / worst tenth (≥ 20 warnings)",
        lambda r: "{} / {}".format(
            _f(r["eval"]["calibration_score"]["ece"]), _f(r["eval"]["calibration_score"]["max_gap"])
        ),
    )
    row(
        "calibration error of the exported probability: mean / worst tenth",
        lambda r: "{} / {}".format(
            _f(r["eval"]["calibration"]["ece"]), _f(r["eval"]["calibration"]["max_gap"])
        ),
    )
    for t in TARGET_PRECISIONS:
        row(
            f"recall at precision {t:.2f}: product",
            lambda r, t=t: _f(r["eval"]["recall_at"][str(t)]),
        )
        row(
            f"recall at precision {t:.2f}: ceiling, all labels",
            lambda r, t=t: _f(r["ceiling"]["all"]["recall_at"][str(t)]),
        )
        row(
            f"recall at precision {t:.2f}: ceiling, all labels, the month's visits known",
            lambda r, t=t: _f(r["ceiling"]["with_visits"]["recall_at"][str(t)]),
        )
        row(
            f"recall at precision {t:.2f}: ceiling, 5,000 random labels",
            lambda r, t=t: _f(r["ceiling"]["sample"]["recall_at"][str(t)]),
        )
        row(
            f"recall at precision {t:.2f} among households not visited: product / ceiling",
            lambda r, t=t: "{} / {}".format(
                _f(r["unvisited"][str(t)]), _f(r["ceiling"]["not_visited"][str(t)])
            ),
        )
    row(
        "ceiling AUC: all / 5,000 labels / plain aggregates alone",
        lambda r: "{} / {} / {}".format(
            _f(r["ceiling"]["all"]["auc"]),
            _f(r["ceiling"]["sample"]["auc"]),
            _f(r["ceiling"]["generic"]["auc"]),
        ),
    )
    segs = [
        ("household_type", "single"),
        ("household_type", "elderly_only"),
        ("household_type", "with_children"),
        ("household_type", "with_disabled"),
        ("household_type", "other"),
        ("head_age", "<40"),
        ("head_age", "40-59"),
        ("head_age", "60-74"),
        ("head_age", "75+"),
        ("quiet", "quiet"),
        ("quiet", "not quiet"),
    ]
    for seg, key in segs:
        row(
            f"recall, {seg.replace('_', ' ')} {key}",
            lambda r, seg=seg, key=key: "{} (n={}){}".format(
                _f(r["eval"]["segments"][seg][key]["recall"]),
                r["eval"]["segments"][seg][key]["hardship"],
                _segment_flag(r, seg, key),
            ),
        )

    def streets(r):
        vals = [
            v["recall"] for v in r["eval"]["segments"]["street"].values() if v["hardship"] >= 10
        ]
        return f"{_f(min(vals))}–{_f(max(vals))} ({len(vals)} streets)" if vals else "—"

    row("recall by street (≥ 10 in hardship), min–max", streets)
    row(
        f"segments flagged (more than {FAIRNESS_GAP * 100:.0f} pts from all-levels recall)",
        lambda r: str(len(r["fairness"])),
    )
    trigger_rows(results, row)
    return "\n".join(lines)  # fmt: skip


def _segment_flag(r: dict[str, Any], seg: str, key: str) -> str:
    """`` **✗ −12.0 pts**`` after a flagged segment's recall in the table (no cause: the
    section below the table gives it)."""
    for fl in r.get("fairness") or []:
        if (fl["segment"], fl["key"]) == (seg, key):
            return f" **✗ {_pts(fl['gap'])} pts**"
    return ""


def fairness(
    world: World, truth: pd.DataFrame, warnings: pd.DataFrame, ev: dict[str, Any]
) -> list[dict[str, Any]]:
    """The world's flagged segments (:func:`fairness_flags`), causes from its records."""
    warned = truth["hukou_no"].isin(set(warnings.loc[warnings["level"] != "", "hukou_no"]))
    causes = segment_causes(truth, household_marks(world, truth), warned.to_numpy())
    return fairness_flags(ev["segments"], ev["cumulative"]["watch"]["recall"], causes)


def trigger_rows(results: dict[str, dict[str, Any]], row) -> None:
    """A row per hard trigger: fired / raised (the run's counts), and the precision of the
    warned households where it raised the level, and where it only added points."""

    def cell(o: dict[str, Any]) -> str:
        def p(k: str) -> str:
            n = o["n"].get(k, 0)
            return f"P {_f(o['precision'][k])} (n={n})" if n else "—"

        fired = "—" if o["fired"] is None else o["fired"]
        raised = "—" if o["raised"] is None else o["raised"]
        return f"{fired} / {raised}; raised {p('raised')}; points only {p('points')}"

    ids = sorted({t for r in results.values() for t in r.get("triggers") or {}})
    for t in ids:
        row(f"trigger {t}: fired / raised; precision", lambda r, t=t: cell(r["triggers"][t]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--households", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--worlds", default="A,B,C", help="comma-separated: A (synth), B, C, D")
    ap.add_argument("--var", type=Path, default=ROOT / "var" / "worlds")
    ap.add_argument("--out", type=Path, default=None, help="also write the Markdown here")
    ap.add_argument("--ceiling-sample", type=int, default=CEILING_SAMPLE)
    ap.add_argument(
        "--no-ceiling", action="store_true", help="skip the information ceiling (its rows show —)"
    )
    ap.add_argument(
        "--ablation",
        action="store_true",
        help="also run the product once per monitored feed removed from the ingest (slow: "
        "one product run per feed; use 2,000–4,000 households)",
    )
    ap.add_argument(
        "--ablation-feeds",
        default="",
        help="comma-separated feeds to remove in turn (default: every monitored feed delivered)",
    )
    ap.add_argument(
        "--reuse-product",
        action="store_true",
        help="evaluate the product run already in the world's work folder (no doudi commands)",
    )
    a = ap.parse_args(argv)
    keys = [k.strip().upper() for k in a.worlds.split(",") if k.strip()]
    unknown = [k for k in keys if k not in WORLD_CLASSES]
    if unknown:
        ap.error(f"unknown world {unknown[0]!r}: choose from A, B, C, D")
    if a.households < 50:
        ap.error("--households must be at least 50")
    a.var.mkdir(parents=True, exist_ok=True)
    results: dict[str, dict[str, Any]] = {}
    for k in keys:
        world = WORLD_CLASSES[k](a.var, a.households, a.seed)
        started = time.monotonic()
        if not world.generated():
            print(f"{k}: generating {world.name} ({a.households} households)", file=sys.stderr)
            world.generate()
        truth = world.households_truth()
        print(f"{k}: the product path", file=sys.stderr)
        prod = (product_reused(world) if a.reuse_product else None) or product(world, truth)
        warnings = prod.pop("warnings")
        ev = evaluate(warnings, truth)
        flags = fairness(world, truth, warnings, ev)
        abl = None
        if a.ablation:
            feeds = [f.strip() for f in a.ablation_feeds.split(",") if f.strip()]
            abl = ablation(world, truth, feeds or ablation_feeds(world), reuse=a.reuse_product)
        print(f"{k}: the information ceiling", file=sys.stderr)
        ceil = None if a.no_ceiling else ceiling(world, truth, a.ceiling_sample)
        results[k] = {
            "world": world.name,
            "as_of": world.as_of.isoformat(),
            **prod,
            "eval": ev,
            "fairness": flags,
            "ablation": abl,
            "triggers": trigger_precision(world, truth),
            "unvisited": product_unvisited(world, truth, warnings),
            "ceiling": ceil,
            "total_seconds": round(time.monotonic() - started, 1),
        }
        (world.dir / "report.json").write_text(
            json.dumps(results[k], ensure_ascii=False, indent=1, default=str), encoding="utf-8"
        )
    md = table(results) + "\n\n" + fairness_section(results)
    for k, r in results.items():
        if r.get("ablation"):
            md += "\n\n" + ablation_table(f"{k} ({r['world']})", r["eval"], r["ablation"])
    print(md)
    if a.out:
        a.out.write_text(md + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
