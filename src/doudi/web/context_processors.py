from django.utils.translation import gettext_lazy as _

from doudi.casework.selectors import unread_count


def navigation(request):
    """The links a signed-in user's role may follow (shown in the header)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    nav = [("web:home", _("Home"))]
    if user.can.reads_registry:
        nav.append(("casework:queue", _("Work queue")))
        nav.append(("registry:household_list", _("Households")))
        nav.append(("monitoring:warnings", _("Warnings")))
        nav.append(("assistance:list", _("Assistance applications")))
        if user.can.jurisdiction_level in ("street", "district"):
            nav.append(("integrity:dashboard", _("Supervision")))
    if user.role == "applicant":
        nav.append(("assistance:list", _("My applications")))
    if user.can.provides_services:
        nav.append(("casework:referrals", _("My referrals")))
    if user.can.grants_assist_first:
        nav.append(("casework:assist", _("Assist first")))
    if user.can.edits_calendar:
        nav.append(("workdays:years", _("Holiday calendar")))
    if user.can.delivers_feeds or user.can.reads_all_feeds:
        nav.append(("intake:feeds", _("Data feeds")))
    if user.can.reviews_identity:
        nav.append(("identity:review", _("Identity review")))
    if user.can.reads_audit:
        nav.append(("audit:log", _("Audit log")))
    if user.can.manages_users or user.can.manages_security:
        nav.append(("accounts:users", _("Accounts")))
    if user.can.manages_security:
        nav.append(("accounts:lockouts", _("Lockouts")))
        nav.append(("accounts:tokens", _("API tokens")))
    return {"nav": nav, "unread_notifications": unread_count(user=user)}
