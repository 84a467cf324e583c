"""`doudi review schedule --as USERNAME [--on YYYY-MM-DD]`: make the re-check tasks now due."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError

from doudi.accounts.models import User
from doudi.integrity import scheduler


class Command(BaseCommand):
    help = (
        "Periodic re-checks (POLICY.md §1.11, §2.9): `doudi review schedule --as USERNAME` makes "
        "one casework task for every review due by today (or --on DATE) in that user's reach; "
        "running it again makes nothing twice. Run it daily."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="what", required=True)
        schedule = sub.add_parser("schedule", help="make the review tasks now due")
        schedule.add_argument("--as", dest="username", required=True, help="a case worker")
        schedule.add_argument("--on", help="YYYY-MM-DD (default: today)")

    def handle(self, *args, what: str, username: str, on: str | None = None, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"--as {username!r}: no active user of that name")
        day = None
        if on:
            try:
                day = dt.date.fromisoformat(on)
            except ValueError:
                raise CommandError(
                    f"--on {on!r}: use the form YYYY-MM-DD, e.g. 2026-06-01"
                ) from None
        try:
            made = scheduler.review_schedule(actor=user, on=day)
        except PermissionDenied:
            raise CommandError(
                f"--as {username!r}: this user does not work cases; use a case worker's account"
            ) from None
        for review in made:
            self.stdout.write(
                f"{review.due_on.isoformat()} {review.reason} household "
                f"{review.entitlement.household.hukou_no} task {review.task_id}"
            )
        self.stdout.write(f"made {len(made)} review tasks")
