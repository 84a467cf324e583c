"""First start: create the first administrator and security officer (there is no superuser).

Each gets a random initial password and a one-time enrolment link (24 h) for his second factor,
printed once on this console for the operator to hand over separately.
"""

from __future__ import annotations

import secrets

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from doudi.accounts import manage
from doudi.accounts.models import User
from doudi.accounts.roles import Role
from doudi.audit.actions import audit_record


class Command(BaseCommand):
    help = "Create the first administrator and security officer, with enrolment links."

    def add_arguments(self, parser):
        parser.add_argument("--admin", default="admin", help="administrator's username")
        parser.add_argument("--security", default="security", help="security officer's username")
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="the address users open doudi at (for the enrolment links)",
        )

    def handle(self, *args, admin, security, base_url, **options):
        if admin == security:
            raise CommandError("the administrator and the security officer must be two accounts")
        existing = User.objects.filter(
            role__in=[Role.ADMINISTRATOR, Role.SECURITY_OFFICER], is_active=True
        )
        if existing.exists():
            raise CommandError(
                "an administrator or security officer exists already; manage accounts at "
                "/accounts/users/ (a lost second factor is reset by the other of the two)"
            )
        taken = User.objects.filter(username__in=[admin, security]).values_list(
            "username", flat=True
        )
        if taken:
            raise CommandError(f"username already in use: {', '.join(sorted(taken))}")
        base = base_url.rstrip("/")
        with transaction.atomic():
            for username, role in ((admin, Role.ADMINISTRATOR), (security, Role.SECURITY_OFFICER)):
                password = secrets.token_urlsafe(12)
                user = User(username=username, role=role)
                user.set_password(password)
                user.save()
                audit_record(
                    action="user.create",
                    object_type="user",
                    object_id=user.pk,
                    detail={"username": username, "role": role, "bootstrap": True},
                )
                link = manage.enrolment_link_create(actor=None, user=user)
                self.stdout.write(
                    f"{Role(role).label}: {username}  initial password: {password}\n"
                    f"  enrolment link (one use, 24 h): {base}/accounts/enrol/{link.token}/"
                )
        self.stdout.write("Hand each password and link to its holder separately.")
