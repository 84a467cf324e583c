"""Reads for casework: parameters in force, the work queue, a household's profile, provider
matching, timeliness and the miss rate of the warnings. Scoped through :mod:`.access`."""

from __future__ import annotations

import datetime as dt
import math
import statistics
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.utils import timezone

from doudi.casework.access import referrals_for, tasks_for
from doudi.casework.models import (
    Notification,
    PolicyParameter,
    Provider,
    Referral,
    SavedFilter,
    Task,
)
from doudi.monitoring.selectors import today
from doudi.registry.models import Jurisdiction, Membership

# --- dated parameters ------------------------------------------------------------------------


class ParameterIndex:
    """Every row of one parameter effective on a date, resolved per area in Python (one
    query for any number of areas)."""

    def __init__(self, name: str, *, on: dt.date):
        self.name, self.on = name, on
        self.rows = list(
            PolicyParameter.objects.filter(name=name, effective_from__lte=on).order_by(
                "effective_from", "id"
            )
        )

    def row_for(self, area_code: str) -> PolicyParameter | None:
        best = None
        for row in self.rows:  # ordered by date: later rows of the same prefix win
            if not area_code.startswith(row.area_code):
                continue
            if best is None or len(row.area_code) >= len(best.area_code):
                best = row
        return best

    def value_for(self, area_code: str) -> Decimal | None:
        row = self.row_for(area_code)
        return None if row is None else row.value


def parameter_in_force(name: str, *, area_code: str, on: dt.date) -> PolicyParameter | None:
    """The row in force for the area on the date: the longest matching area prefix, then the
    latest effective date (see :class:`~doudi.casework.models.PolicyParameter`)."""
    return ParameterIndex(name, on=on).row_for(area_code)


def parameters_current() -> list[PolicyParameter]:
    return list(PolicyParameter.objects.select_related("created_by"))


# --- the work queue ---------------------------------------------------------------------------

SORTS = {
    "level": ("-warning__level_rank", "-warning__score", "due_on", "id"),
    "score": ("-warning__score", "due_on", "id"),
    "due": (F("due_on").asc(nulls_last=True), "-warning__level_rank", "id"),
    "overdue": ("-is_overdue", F("due_on").asc(nulls_last=True), "id"),
}
FILTER_KEYS = ("street", "community", "dimension", "reason", "status", "officer", "level", "sort")


@dataclass(frozen=True)
class QueueFilters:
    street: str = ""
    community: str = ""
    dimension: str = ""
    reason: str = ""
    status: str = "active"  # active = not closed; "" = all; or a Task.Status
    officer: str = ""  # a user id, or "none" for unassigned
    level: str = ""
    sort: str = "overdue"

    @classmethod
    def from_query(cls, query) -> QueueFilters:
        status = query.get("status", "active")
        sort = query.get("sort", "overdue")
        return cls(
            street=query.get("street", "").strip(),
            community=query.get("community", "").strip(),
            dimension=query.get("dimension", "").strip(),
            reason=query.get("reason", "").strip(),
            status=status if status in ("", "active", *Task.Status.values) else "active",
            officer=query.get("officer", "").strip(),
            level=query.get("level", "").strip(),
            sort=sort if sort in SORTS else "overdue",
        )

    def pairs(self) -> list[tuple[str, str]]:
        return [(k, getattr(self, k)) for k in FILTER_KEYS]

    def query(self) -> str:
        from urllib.parse import urlencode

        defaults = QueueFilters()
        return urlencode(
            [(k, getattr(self, k)) for k in FILTER_KEYS if getattr(self, k) != getattr(defaults, k)]
        )


def queue(*, user, filters: QueueFilters) -> QuerySet[Task]:
    """The user's tasks, filtered and sorted, with everything a queue row shows loaded in a
    fixed number of queries (heads of household prefetched)."""
    on = today()
    tasks = (
        tasks_for(user)
        .select_related("household__community__parent", "warning", "assignee")
        .annotate(
            is_overdue=Q(due_on__lt=on, visited_at__isnull=True, closed_at__isnull=True),
        )
    )
    if filters.status == "active":
        tasks = tasks.filter(closed_at__isnull=True)
    elif filters.status:
        tasks = tasks.filter(status=filters.status)
    if filters.street:
        tasks = tasks.filter(household__community__parent__code=filters.street)
    if filters.community:
        tasks = tasks.filter(household__community__code=filters.community)
    if filters.dimension:
        tasks = tasks.filter(warning__dimension_index__contains=f";{filters.dimension};")
    if filters.reason:
        tasks = tasks.filter(warning__reason_index__contains=f";{filters.reason};")
    if filters.level:
        tasks = tasks.filter(warning__level=filters.level)
    if filters.officer == "none":
        tasks = tasks.filter(assignee__isnull=True)
    elif filters.officer.isdigit():
        tasks = tasks.filter(assignee_id=int(filters.officer))
    heads = Membership.objects.filter(relation=Membership.Relation.HEAD).select_related("person")
    return tasks.prefetch_related(
        Prefetch("household__members", queryset=heads, to_attr="heads")
    ).order_by(*SORTS[filters.sort])


def head_of(task: Task):
    heads = getattr(task.household, "heads", None)
    return heads[0].person if heads else None


def officers_of(community: Jurisdiction):
    """Active community officers of a community with their open load, lightest first."""
    from django.contrib.auth import get_user_model

    from doudi.accounts.roles import Role

    return (
        get_user_model()
        .objects.filter(role=Role.COMMUNITY_OFFICER, jurisdiction=community, is_active=True)
        .annotate(load=Count("casework_tasks", filter=Q(casework_tasks__closed_at__isnull=True)))
        .order_by("load", "id")
    )


def officers_for(user):
    """The community officers inside the user's jurisdiction (for filters and assignment)."""
    from django.contrib.auth import get_user_model

    from doudi.accounts.roles import Role

    if user.jurisdiction_id is None:
        return get_user_model().objects.none()
    return (
        get_user_model()
        .objects.filter(
            role=Role.COMMUNITY_OFFICER,
            is_active=True,
            jurisdiction__code__startswith=user.jurisdiction.code,
        )
        .select_related("jurisdiction")
        .order_by("jurisdiction__code", "username")
    )


def saved_filters(*, user) -> list[SavedFilter]:
    return list(SavedFilter.objects.filter(user=user))


# --- the to-do of each role's home page -------------------------------------------------------


def todo(*, user) -> dict:
    """Counts for the home page, overdue first (two queries)."""
    on = today()
    mine = tasks_for(user).filter(closed_at__isnull=True)
    if user.role == "community_officer":
        scope = mine.filter(Q(assignee=user) | Q(assignee__isnull=True))
    else:
        scope = mine
    counts = scope.aggregate(
        overdue=Count("id", filter=Q(due_on__lt=on, visited_at__isnull=True)),
        escalated=Count("id", filter=Q(escalated_at__isnull=False, visited_at__isnull=True)),
        unassigned=Count("id", filter=Q(assignee__isnull=True)),
        to_visit=Count("id", filter=Q(status=Task.Status.ASSIGNED)),
        mine=Count("id", filter=Q(assignee=user)),
        visited=Count("id", filter=Q(status=Task.Status.VISITED)),
    )
    overdue = list(
        scope.filter(due_on__lt=on, visited_at__isnull=True)
        .select_related("household")
        .order_by("due_on", "id")[:5]
    )
    return {"counts": counts, "overdue": overdue}


def provider_todo(*, user) -> dict:
    referrals = referrals_for(user).select_related("household__community")
    return {
        "proposed": list(referrals.filter(status=Referral.Status.PROPOSED).order_by("id")),
        "accepted": list(referrals.filter(status=Referral.Status.ACCEPTED).order_by("id")),
    }


def unread_count(*, user) -> int:
    if user is None or not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


# --- services --------------------------------------------------------------------------------


def providers_matching(*, need: str, community: Jurisdiction) -> list[Provider]:
    """Available providers with the skill, serving the community (or its street or district),
    with free capacity; lightest load first."""
    codes = [community.code, community.code[:9], community.code[:6]]
    providers = (
        Provider.objects.filter(available=True, areas__code__in=codes)
        .distinct()
        .annotate(
            load=Count(
                "referrals",
                filter=Q(
                    referrals__status__in=[Referral.Status.PROPOSED, Referral.Status.ACCEPTED]
                ),
                distinct=True,
            )
        )
        .order_by("load", "name", "id")
    )
    return [p for p in providers if need in (p.skills or []) and p.load < p.capacity]


def volunteer_hours(*, providers=None) -> dict[int, Decimal]:
    """Hours of logged sessions per provider (volunteers' hours are what is counted)."""
    rows = Provider.objects.all() if providers is None else providers
    totals = rows.annotate(minutes=Sum("referrals__sessions__minutes")).values_list("id", "minutes")
    return {pk: (Decimal(m or 0) / 60).quantize(Decimal("0.1")) for pk, m in totals}


# --- timeliness ------------------------------------------------------------------------------

STEPS = (
    ("warning_to_visit", "started_at", "visited_at"),
    ("visit_to_disposition", "visited_at", "disposed_at"),
    ("disposition_to_help", "disposed_at", "first_help_at"),
)


def _quantile(values: list[float], q: float) -> float | None:
    """Linear interpolation between closest ranks (numpy's default; Excel's PERCENTILE.INC)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


@dataclass
class Timeliness:
    name: str
    code: str
    tasks: int = 0
    overdue: int = 0
    steps: dict[str, dict] = field(default_factory=dict)

    @property
    def overdue_share(self) -> float | None:
        return None if not self.tasks else self.overdue / self.tasks


def timeliness(*, user, on: dt.date | None = None) -> list[Timeliness]:
    """Median and 90th percentile (in days) of warning → visit, visit → disposition and
    disposition → first help, and the share of tasks overdue (a visit after the due date, or
    none yet and the due date past), for the user's jurisdiction and each jurisdiction one
    level below it (district → streets, street → communities). One query."""
    on = on or today()
    scope = user.jurisdiction
    level_len = 9 if scope.level == Jurisdiction.Level.DISTRICT else 12
    rows = tasks_for(user).values_list(
        "household__community__code",
        "started_at",
        "visited_at",
        "disposed_at",
        "first_help_at",
        "due_on",
    )
    children = {
        j.code: j.name
        for j in Jurisdiction.objects.filter(parent=scope).only("code", "name").order_by("code")
    }
    groups: dict[str, list] = {code: [] for code in children}
    everything: list = []
    for row in rows:
        everything.append(row)
        groups.setdefault(row[0][:level_len], []).append(row)
    result = [_timeliness(scope.name, scope.code, everything, on)]
    for code, name in children.items():
        result.append(_timeliness(name, code, groups.get(code, []), on))
    return result


def _timeliness(name: str, code: str, rows: list, on: dt.date) -> Timeliness:
    out = Timeliness(name=name, code=code, tasks=len(rows))
    columns = {"started_at": 1, "visited_at": 2, "disposed_at": 3, "first_help_at": 4}
    for step, start, end in STEPS:
        days = [
            (row[columns[end]] - row[columns[start]]).total_seconds() / 86400
            for row in rows
            if row[columns[start]] is not None and row[columns[end]] is not None
        ]
        out.steps[step] = {
            "n": len(days),
            "median": None if not days else statistics.median(days),
            "p90": _quantile(days, 0.9),
        }
    for row in rows:
        due, visited = row[5], row[2]
        if due is None:
            continue
        visited_day = None if visited is None else timezone.localdate(visited)
        if (visited_day is not None and visited_day > due) or (visited_day is None and on > due):
            out.overdue += 1
    return out


# --- what the warnings miss ------------------------------------------------------------------

Z95 = 1.959963984540054


@dataclass(frozen=True)
class MissRate:
    visits: int  # random verification visits with a verdict
    confirmed: int
    estimate: float | None  # design-weighted share of non-warned households in hardship
    low: float | None
    high: float | None
    effective_n: float | None


def miss_rate(*, user) -> MissRate:
    """The estimated share of households the warnings miss, from random verification visits:
    each visited household weighted by the inverse of its selection probability; a 95 %
    Wilson score interval on that weighted share with Kish's effective sample size
    (with equal probabilities, the plain Wilson interval)."""
    rows = list(
        tasks_for(user)
        .filter(
            origin=Task.Origin.RANDOM,
            outcome__in=[Task.Outcome.CONFIRMED, Task.Outcome.NOT_CONFIRMED],
            selection_probability__gt=0,
        )
        .values_list("outcome", "selection_probability")
    )
    if not rows:
        return MissRate(0, 0, None, None, None, None)
    weights = [1 / float(p) for _o, p in rows]
    hits = [1.0 if o == Task.Outcome.CONFIRMED else 0.0 for o, _p in rows]
    total = sum(weights)
    estimate = sum(w * y for w, y in zip(weights, hits, strict=True)) / total
    n_eff = total**2 / sum(w * w for w in weights)
    low, high = wilson(estimate, n_eff)
    return MissRate(
        visits=len(rows),
        confirmed=int(sum(hits)),
        estimate=estimate,
        low=low,
        high=high,
        effective_n=n_eff,
    )


def wilson(p: float, n: float, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval for a share ``p`` observed on ``n`` trials."""
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)
