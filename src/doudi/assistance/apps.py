from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "doudi.assistance"
    label = "assistance"
    verbose_name = _("Assistance")

    def ready(self) -> None:
        from doudi.assistance.preview import dibao_preview
        from doudi.parameters import preview

        preview.register("assistance", dibao_preview)
