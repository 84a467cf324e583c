"""Per-role home pages."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db.models import Count
from django.shortcuts import render

from doudi.accounts.roles import Role
from doudi.audit.models import AuditEntry
from doudi.registry.access import households_for, persons_for
from doudi.registry.models import Jurisdiction

HOME_TEMPLATES = {
    Role.COMMUNITY_OFFICER: "web/home_officer.html",
    Role.SERVICE_PROVIDER: "web/home_provider.html",
    Role.STREET_REVIEWER: "web/home_reviewer.html",
    Role.DISTRICT_BUREAU: "web/home_bureau.html",
    Role.AUDITOR: "web/home_auditor.html",
    Role.DATA_OFFICER: "web/home_data_officer.html",
    Role.APPLICANT: "web/home_applicant.html",
    Role.ADMINISTRATOR: "web/home_admin.html",
    Role.SECURITY_OFFICER: "web/home_security.html",
}


def _street_summary(user):
    """Household and person counts per street inside the user's jurisdiction (one query each)."""
    households = (
        households_for(user)
        .values("community__parent__code", "community__parent__name")
        .annotate(n=Count("id"))
        .order_by("community__parent__code")
    )
    persons = dict(
        persons_for(user)
        .values("membership__household__community__parent__code")
        .annotate(n=Count("id"))
        .values_list("membership__household__community__parent__code", "n")
    )
    return [
        {
            "code": row["community__parent__code"],
            "name": row["community__parent__name"],
            "households": row["n"],
            "persons": persons.get(row["community__parent__code"], 0),
        }
        for row in households
    ]


def home(request):
    user = request.user
    context = {"role_label": user.get_role_display()}
    if user.can.reads_registry:
        context["household_count"] = households_for(user).count()
        context["person_count"] = persons_for(user).count()
    if user.role in (Role.DISTRICT_BUREAU, Role.STREET_REVIEWER, Role.AUDITOR):
        context["streets"] = _street_summary(user)
    if user.role == Role.STREET_REVIEWER and user.jurisdiction_id:
        context["communities"] = (
            Jurisdiction.objects.filter(parent=user.jurisdiction)
            .annotate(n=Count("households"))
            .order_by("code")
        )
    if user.can.delivers_feeds:
        from doudi.intake.access import deliverable_feeds, runs_for
        from doudi.intake.selectors import feed_freshness

        context["freshness"] = feed_freshness(deliverable_feeds(user))
        context["runs"] = runs_for(user).select_related("delivered_by")[:10]
    if user.role == Role.DISTRICT_BUREAU:
        from doudi.intake.access import feeds_for
        from doudi.intake.selectors import feed_freshness

        context["stale_feeds"] = [f for f in feed_freshness(feeds_for(user)) if f.stale]
    if user.can.reads_audit:
        context["audit_recent"] = AuditEntry.objects.order_by("-seq")[:20]
        context["audit_total"] = AuditEntry.objects.count()
    if user.can.manages_users or user.can.manages_security:
        users = get_user_model().objects.order_by("username")
        context["users"] = users.select_related("jurisdiction")
    if user.can.manages_security:
        from axes.models import AccessAttempt

        context["lockouts"] = AccessAttempt.objects.order_by("-attempt_time")[:50]
    template = HOME_TEMPLATES.get(user.role, "web/home_applicant.html")
    return render(request, template, context)
