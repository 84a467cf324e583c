"""Reads for intake: the catalogue and lake in use, and feed freshness."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from doudi.engine.catalogue import Catalogue, Feed, load_catalogue
from doudi.engine.lake import Lake


@cache
def _catalogue(folder: str | None) -> Catalogue:
    return load_catalogue(Path(folder) if folder else None)


def catalogue() -> Catalogue:
    folder = getattr(settings, "DOUDI_CATALOGUE_DIR", None)
    return _catalogue(str(folder) if folder else None)


def lake() -> Lake:
    return Lake(Path(settings.DOUDI_LAKE_DIR))


@dataclass(frozen=True)
class Freshness:
    feed: Feed
    last_delivery: dt.datetime | None
    age_days: int | None

    @property
    def stale(self) -> bool:
        return self.age_days is None or self.age_days > self.feed.freshness_days


def feed_freshness(feeds: list[Feed]) -> list[Freshness]:
    """Each feed's last good delivery against its freshness SLA (one query)."""
    from django.db.models import Max

    from doudi.intake.models import IngestRun

    good = (IngestRun.Status.INGESTED, IngestRun.Status.DUPLICATE)
    last = dict(
        IngestRun.objects.filter(status__in=good, feed_id__in=[f.id for f in feeds])
        .values("feed_id")
        .annotate(at=Max("finished_at"))
        .values_list("feed_id", "at")
    )
    now = timezone.now()
    result = []
    for feed in feeds:
        at = last.get(feed.id)
        result.append(Freshness(feed, at, (now - at).days if at else None))
    return result
