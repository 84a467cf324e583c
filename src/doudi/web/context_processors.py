from django.utils.translation import gettext_lazy as _


def navigation(request):
    """The links a signed-in user's role may follow (shown in the header)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": []}
    nav = [("web:home", _("Home"))]
    if user.can.reads_registry:
        nav.append(("registry:household_list", _("Households")))
        nav.append(("monitoring:warnings", _("Warnings")))
    if user.can.delivers_feeds or user.can.reads_all_feeds:
        nav.append(("intake:feeds", _("Data feeds")))
    if user.can.reviews_identity:
        nav.append(("identity:review", _("Identity review")))
    if user.can.reads_audit:
        nav.append(("audit:log", _("Audit log")))
    return {"nav": nav}
