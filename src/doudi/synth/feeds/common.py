"""Helpers every department's builder uses: dates relative to the as-of day, ages, streets."""

from __future__ import annotations

import datetime as dt
import random

from doudi.synth.population import Household, Person, age_on
from doudi.synth.world import World

Row = tuple[str, list, str | None]
YEAR = 365.2425


def rand_days(rng: random.Random, lo: float, hi: float) -> int:
    return int(lo + rng.random() * (hi - lo))


def days_ago(w: World, rng: random.Random, lo_days: float, hi_days: float) -> dt.date:
    return w.as_of - dt.timedelta(days=rand_days(rng, lo_days, hi_days))


def age_of(w: World, p: Person) -> int:
    return age_on(p.birth_date, w.as_of)


def is_alive(w: World, p: Person) -> bool:
    return p.person_id not in w.death


def street_name(hh: Household) -> str:
    return hh.street.name


def community_clinic(hh: Household) -> str:
    return f"武昌区{hh.street.name[:-2]}街社区卫生服务中心"


def add_years(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)
