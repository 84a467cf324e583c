"""Demo service providers (used by ``doudi demo``): the demo provider account's volunteer
team in the first street, and a social-work organisation serving the whole district."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from doudi.accounts.roles import Role
from doudi.casework.models import Provider
from doudi.registry.models import Jurisdiction


@transaction.atomic
def demo_providers_ensure() -> list[Provider]:
    street = Jurisdiction.objects.filter(level=Jurisdiction.Level.STREET).order_by("code").first()
    district = (
        Jurisdiction.objects.filter(level=Jurisdiction.Level.DISTRICT).order_by("code").first()
    )
    if street is None or district is None:
        return []
    account = get_user_model().objects.filter(role=Role.SERVICE_PROVIDER).order_by("id").first()
    made = []
    for name, kind, skills, area, user in (
        ("彩虹志愿服务队", Provider.Kind.VOLUNTEER, ["tutoring", "companionship"], street, account),
        (
            "武昌社工服务中心",
            Provider.Kind.ORGANISATION,
            ["psychological_comfort", "daily_care"],
            district,
            None,
        ),
    ):
        provider = Provider.objects.filter(name=name).first()
        if provider is None:
            provider = Provider.objects.create(
                kind=kind, name=name, skills=skills, capacity=20, user=user
            )
            provider.areas.set([area])
        made.append(provider)
    return made
