from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from doudi.audit.models import AuditEntry


@require_GET
def audit_log(request):
    """The audit log, newest first, for auditors (read-only: there is no edit path)."""
    if not request.user.can.reads_audit:
        raise PermissionDenied
    entries = AuditEntry.objects.order_by("-seq")
    action = request.GET.get("action", "")
    if action:
        entries = entries.filter(action=action)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "audit/log.html", {"page": page, "action": action})
