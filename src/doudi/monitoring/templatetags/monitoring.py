"""Template helpers: policy labels in the reader's language, and the monitoring block of the
role home pages (scoped through the access layer)."""

from __future__ import annotations

from django import template
from django.db.models import Count

from doudi.monitoring import access, selectors
from doudi.monitoring.models import Warning

register = template.Library()


@register.filter
def policy_label(item) -> str:
    return selectors.label(item if isinstance(item, dict) else None, str(item or ""))


@register.simple_tag(takes_context=True)
def monitoring_reads_district(context) -> bool:
    request = context.get("request")
    return bool(request and access.reads_district(request.user))


@register.inclusion_tag("monitoring/_home.html", takes_context=True)
def monitoring_home(context):
    """Open warnings by level in the user's jurisdiction, with links to the pages."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not access.reads_warnings(user):
        return {"show": False}
    run = selectors.current_run()
    policy = selectors.PolicyIndex(
        run.policy_version.document if run and run.policy_version else {}
    )
    counts = (
        access.warnings_for(user)
        .filter(status=Warning.Status.OPEN)
        .values("level", "level_rank")
        .annotate(n=Count("id"))
        .order_by("-level_rank")
    )
    return {
        "show": True,
        "run": run,
        "district": access.reads_district(user),
        "can_edit": access.edits_policy(user),
        "levels": [(policy.level_label(c["level"]), c["n"]) for c in counts],
        "total": sum(c["n"] for c in counts),
    }
