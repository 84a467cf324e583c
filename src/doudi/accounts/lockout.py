"""Sign-in throttling (等保 level 3), keyed so that an outsider cannot lock staff out.

django-axes locks a *username at one client address* after AXES_FAILURE_LIMIT failures: an
attacker guessing a bureau user's password from his address locks only himself, and the user
still signs in from the office. Across usernames, one address may fail at most
DOUDI_LOGIN_FAILURES_PER_ADDRESS times within the cool-off period (password spraying).
The client address is the connection's own (REMOTE_ADDR): a forwarded-for header is set by
whoever sends the request, so it is not trusted here.
"""

from __future__ import annotations

import datetime as dt

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def cool_off() -> dt.timedelta:
    return dt.timedelta(hours=float(settings.AXES_COOLOFF_TIME))


def address_failures(ip: str | None) -> int:
    if not ip:
        return 0
    since = timezone.now() - cool_off()
    total = AccessAttempt.objects.filter(ip_address=ip, attempt_time__gte=since).aggregate(
        n=Sum("failures_since_start")
    )["n"]
    return total or 0


def address_blocked(request) -> bool:
    return address_failures(client_ip(request)) >= settings.DOUDI_LOGIN_FAILURES_PER_ADDRESS
