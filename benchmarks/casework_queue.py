"""Casework at district scale: tasks made from a run's warnings, a page of the work queue,
and the export of a whole street's queue.

    .venv/bin/python benchmarks/casework_queue.py [--households 130000] [--warned 13000]

Builds a throwaway SQLite database (DOUDI_VAR_DIR in a temporary folder) with the Wuchang
streets and communities, ``--households`` households of one or two members and
``--warned`` open warnings, then prints the seconds of: the post-run hook making one task
per warning, the same hook again (nothing to do), the first page of a street reviewer's
queue (50 rows, rows built as the page shows them) and the CSV rows of that street's queue.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=130_000)
    parser.add_argument("--warned", type=int, default=13_000)
    args = parser.parse_args()
    folder = tempfile.mkdtemp(prefix="doudi-casework-bench-")
    os.environ["DOUDI_VAR_DIR"] = folder
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "doudi.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.test import RequestFactory

    from doudi.accounts.models import User
    from doudi.accounts.roles import Role
    from doudi.casework import actions, selectors, views
    from doudi.monitoring.actions import policy_default_ensure
    from doudi.monitoring.models import MonitoringRun, Warning, WarningChange
    from doudi.registry.actions import jurisdictions_load
    from doudi.registry.models import Household, Jurisdiction, Membership, Person

    jurisdictions_load()
    communities = list(Jurisdiction.objects.filter(level="community").order_by("code"))
    t = time.perf_counter()
    Household.objects.bulk_create(
        [
            Household(
                hukou_no=f"{n:09d}",
                community=communities[n % len(communities)],
                address=f"测试路{n}号",
            )
            for n in range(args.households)
        ],
        batch_size=5000,
    )
    ids = list(Household.objects.order_by("id").values_list("id", flat=True))
    Person.objects.bulk_create(
        [Person(name=f"户主{n}", phone="13800138000") for n in range(len(ids))], batch_size=5000
    )
    people = list(Person.objects.order_by("id").values_list("id", flat=True))
    Membership.objects.bulk_create(
        [
            Membership(household_id=h, person_id=p, relation="head")
            for h, p in zip(ids, people, strict=True)
        ],
        batch_size=5000,
    )
    version = policy_default_ensure()
    run = MonitoringRun.objects.create(
        as_of=dt.date(2026, 5, 6), status="succeeded", policy_version=version, is_current=True
    )
    step = max(1, len(ids) // args.warned)
    warned = ids[::step][: args.warned]
    Warning.objects.bulk_create(
        [
            Warning(
                household_id=h,
                level="warning",
                level_rank=1,
                score=50 + (h % 50),
                reasons=["income_below_dibao"],
                reason_index=";income_below_dibao;",
                policy_version=version,
                run=run,
                first_run=run,
            )
            for h in warned
        ],
        batch_size=5000,
    )
    WarningChange.objects.bulk_create(
        [WarningChange(warning=w, run=run, kind="new") for w in Warning.objects.all()],
        batch_size=5000,
    )
    print(
        f"setup: {len(ids)} households, {len(warned)} warnings in {time.perf_counter() - t:.1f} s"
    )

    t = time.perf_counter()
    actions.casework_after_monitoring_run(run=run)
    print(f"post-run hook, {len(warned)} new tasks: {time.perf_counter() - t:.2f} s")
    t = time.perf_counter()
    actions.casework_after_monitoring_run(run=run)
    print(f"post-run hook again (nothing new): {time.perf_counter() - t:.2f} s")

    street = Jurisdiction.objects.filter(level="street").order_by("code").first()
    reviewer = User.objects.create_user(
        username="bench", password="x" * 16, role=Role.STREET_REVIEWER, jurisdiction=street
    )
    filters = selectors.QueueFilters(sort="level")
    request = RequestFactory().get("/casework/")
    request.user = reviewer
    t = time.perf_counter()
    context = views._queue_context(request, filters)
    rows = context["rows"]
    print(
        f"queue first page ({len(rows)} of {context['page'].paginator.count} tasks in "
        f"{street.name}): {time.perf_counter() - t:.3f} s"
    )
    t = time.perf_counter()
    exported = list(views._export_rows(request, filters))
    print(f"export rows of the street's queue ({len(exported)}): {time.perf_counter() - t:.2f} s")


if __name__ == "__main__":
    main()
