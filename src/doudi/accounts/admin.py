"""The admin site is for administrators managing accounts; every change is audited."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from doudi.accounts.models import User
from doudi.audit.actions import audit_record


@login_not_required
def _admin_login(request, extra_context=None):
    # One sign-in path for everyone, with the second factor: the app's own.
    return redirect(
        reverse("accounts:login") + "?" + urlencode({"next": request.GET.get("next", "/admin/")})
    )


admin.site.login = _admin_login
admin.site.site_header = "doudi 兜底"


@admin.register(User)
class DoudiUserAdmin(UserAdmin):
    list_display = ["username", "display_name", "role", "jurisdiction", "department", "is_active"]
    list_filter = ["role", "is_active"]
    fieldsets = [
        *UserAdmin.fieldsets,
        ("doudi", {"fields": ["role", "jurisdiction", "department", "display_name"]}),
    ]
    add_fieldsets = [
        *UserAdmin.add_fieldsets,
        ("doudi", {"fields": ["role", "jurisdiction", "department", "display_name"]}),
    ]

    def has_module_permission(self, request):
        return request.user.is_active and request.user.can.manages_users

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    has_change_permission = has_view_permission
    has_add_permission = has_module_permission

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: audit entries name their actors

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit_record(
            request=request,
            action="user.change" if change else "user.create",
            object_type="user",
            object_id=obj.pk,
            detail={"fields": sorted(form.changed_data)},
        )
