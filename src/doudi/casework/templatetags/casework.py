"""The to-do block that opens each role's home page: counts, overdue first."""

from __future__ import annotations

from django import template

from doudi.casework import access, selectors
from doudi.casework.models import AssistGrant
from doudi.registry.models import Jurisdiction

register = template.Library()


@register.inclusion_tag("casework/_todo.html", takes_context=True)
def casework_todo(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not access.reads_casework(user):
        return {"show": False}
    data = selectors.todo(user=user)
    paperwork = None
    if user.can.grants_assist_first or user.can.edits_casework_policy:
        paperwork = (
            access.grants_for(user).filter(paperwork_completed_at__isnull=True).count()
            if AssistGrant.objects.exists()
            else 0
        )
    return {
        "show": True,
        "user": user,
        "counts": data["counts"],
        "overdue": data["overdue"],
        "officer": user.role == "community_officer",
        "reviewer": user.jurisdiction.level != Jurisdiction.Level.COMMUNITY,
        "district_or_street": user.jurisdiction.level != Jurisdiction.Level.COMMUNITY,
        "paperwork": paperwork,
    }


@register.inclusion_tag("casework/_provider_todo.html", takes_context=True)
def provider_todo(context):
    request = context.get("request")
    return selectors.provider_todo(user=request.user)
