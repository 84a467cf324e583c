"""Department files of the hongshan world, with this world's own noise."""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from pathlib import Path

from .people import CONFUSED, check_digit

FULL = str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")
DATE_STYLES = ("iso", "slash", "compact", "cn")


def fmt_date(d: dt.date | None, style: str) -> str:
    if d is None:
        return ""
    if style == "slash":
        return f"{d.year}/{d.month}/{d.day}"
    if style == "compact":
        return f"{d:%Y%m%d}"
    if style == "cn":
        return f"{d.year}年{d.month}月{d.day}日"
    return d.isoformat()


class Writer:
    """Writes one feed's files; records every row's key and person, and the noise applied."""

    def __init__(self, out: Path, rng: random.Random, persons: dict, rate: float = 0.03):
        self.out, self.r, self.persons, self.rate = out, rng, persons, rate
        self.records: list[tuple[str, str, str]] = []
        self.noise: list[tuple[str, str, str, int]] = []
        self.rows_written = 0

    # ------------------------------------------------------------ noise
    def _id_noise(self, ident: str, kind: str) -> str:
        r = self.r
        if kind == "transpose_valid" or kind == "transpose_invalid":
            i = r.randint(6, 15)
            s = ident[:i] + ident[i + 1] + ident[i] + ident[i + 2 :]
            return s[:17] + check_digit(s[:17]) if kind == "transpose_valid" else s
        if kind == "digit":
            i = r.randint(6, 16)
            return ident[:i] + str((int(ident[i]) + r.randint(1, 9)) % 10) + ident[i + 1 :]
        if kind == "fullwidth":
            return ident.translate(FULL)
        if kind == "legacy15":
            return ident[:6] + ident[8:17]
        return ident

    def _name_noise(self, name: str) -> str:
        r = self.r
        chars = [CONFUSED.get(c, c) if r.random() < 0.6 else c for c in name]
        if chars == list(name):
            u = r.random()
            if u < 0.4 and len(name) == 3:
                chars = [name[0], name[2], name[1]]
            elif u < 0.7:
                chars = list(name[0] + "\u3000" + name[1:])
            else:
                chars = list(name[:-1])
        return "".join(chars)

    def row_noise(self, feed: str, key: str, rec: dict, id_missing_quarantines: bool) -> None:
        r = self.r
        if r.random() >= self.rate or "id_number" not in rec:
            return
        ident = rec["id_number"]
        kind = r.choices(
            (
                "name",
                "transpose_valid",
                "transpose_invalid",
                "digit",
                "fullwidth",
                "missing",
                "swapdate",
            ),
            (0.38, 0.09, 0.1, 0.12, 0.12, 0.11, 0.08),
        )[0]
        quarantine = 0
        if len(ident) != 18 and kind not in ("missing", "swapdate"):
            kind = "name"
        if kind == "name" and rec.get("name"):
            rec["name"] = self._name_noise(rec["name"])
        elif kind == "missing":
            rec["id_number"] = ""
            quarantine = int(id_missing_quarantines)
        elif kind == "swapdate":
            for f in ("birth_date",):
                d = rec.get(f)
                if isinstance(d, dt.date) and d.day <= 12 and d.day != d.month:
                    rec[f] = dt.date(d.year, d.day, d.month)
                    break
            else:
                kind = "fullwidth"
                rec["id_number"] = self._id_noise(ident, kind)
        else:
            rec["id_number"] = self._id_noise(ident, kind)
        self.noise.append((feed, key, kind, quarantine))

    # ------------------------------------------------------------ writing
    def write(
        self,
        feed: str,
        name: str,
        fields: dict[str, str],
        rows: list[dict],
        *,
        encoding: str = "utf-8",
        key: str,
        jsonl: bool = False,
        duplicates: float = 0.0,
        noise: bool = True,
    ) -> None:
        """rows: canonical field -> value plus ``_pid``; fields: canonical -> header used."""
        r = self.r
        style = r.choice(DATE_STYLES)
        quarantines = not ({"birth_date", "phone"} & set(fields))
        out_rows = []
        for rec in rows:
            rec = dict(rec)
            k = str(rec[key])
            if rec.get("_pid"):
                self.records.append((feed, k, rec["_pid"]))
            noisy = len(self.noise)
            if noise:
                self.row_noise(feed, k, rec, quarantines)
            line = {}
            for f, h in fields.items():
                v = rec.get(f, "")
                if isinstance(v, dt.date):
                    v = fmt_date(v, style) if not jsonl else v.isoformat()
                elif isinstance(v, float):
                    v = f"{v:.2f}"
                line[h] = v
            out_rows.append(line)
            if duplicates and r.random() < duplicates:
                out_rows.append(dict(line))
                if len(self.noise) > noisy:  # the duplicate carries the same noise
                    self.noise.append(self.noise[-1])
        self.rows_written += len(out_rows)
        path = self.out / name
        if jsonl:
            with open(path, "w", encoding="utf-8") as fh:
                for line in out_rows:
                    fh.write(json.dumps(line, ensure_ascii=False) + "\n")
            return
        with open(path, "w", encoding=encoding, newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=list(fields.values()))
            w.writeheader()
            w.writerows(out_rows)
