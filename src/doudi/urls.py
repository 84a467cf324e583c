from django.urls import include, path

urlpatterns = [
    path("", include("doudi.web.urls")),
    path("accounts/", include("doudi.accounts.urls")),
    path("households/", include("doudi.registry.urls")),
    path("audit/", include("doudi.audit.urls")),
    path("intake/", include("doudi.intake.urls")),
    path("identity/", include("doudi.identity.urls")),
    path("monitoring/", include("doudi.monitoring.urls")),
    path("casework/", include("doudi.casework.urls")),
    path("workdays/", include("doudi.workdays.urls")),
    path("parameters/", include("doudi.parameters.urls")),
    path("assistance/", include("doudi.assistance.urls")),
    path("integrity/", include("doudi.integrity.urls")),
    path("api/v1/", include("doudi.api_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
