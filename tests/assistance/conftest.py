"""Assistance fixtures: a fixed "today", a resident bound to a person of household A1, and
the department data the verification reads (a stand-in for the linked lake, like the
monitoring tests' stand-in engine)."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.assistance import actions, sources
from doudi.assistance.models import Resident
from doudi.registry.selectors import id_index_of

TODAY = dt.date(2026, 5, 6)  # a Wednesday


@pytest.fixture
def fixed_today(monkeypatch):
    from doudi.casework import actions as casework_actions

    monkeypatch.setattr(actions, "today", lambda: TODAY)
    monkeypatch.setattr(casework_actions, "today", lambda: TODAY)
    return TODAY


class Departments:
    """What the linked department data hold: facts per ID number, and stale feeds."""

    def __init__(self):
        self.facts: list[sources.Fact] = []
        self.stale: set[str] = set()

    def add(self, person, feed: str, amount_fen: int) -> None:
        kind, item, _field = sources.ITEMS[feed]
        self.facts.append(sources.Fact(id_index_of(person.id_number), feed, kind, item, amount_fen))

    def department_facts(self, *, hukou_no, id_indexes):
        return [f for f in self.facts if f.id_index in set(id_indexes)]

    def sources(self):
        delivered = dt.datetime(2026, 5, 1, 8, 0, tzinfo=dt.UTC)
        return [sources.Source(feed, feed, delivered, feed in self.stale) for feed in sources.ITEMS]


@pytest.fixture
def departments(monkeypatch):
    d = Departments()
    monkeypatch.setattr(sources, "department_facts", d.department_facts)
    monkeypatch.setattr(sources, "sources", d.sources)
    return d


@pytest.fixture
def resident(cast, households):
    """ivan (applicant role) is 王建国 of household A1."""
    wang = households["A1"].members.get(relation="head").person
    return Resident.objects.create(user=cast["ivan"], person=wang)


def declaration_data(household, **overrides) -> dict:
    """A valid declaration of the household's members, with the given fields changed."""
    data: dict[str, str] = {}
    members = list(household.members.select_related("person").order_by("id"))
    for i, m in enumerate(members):
        data[f"m{i}_name"] = m.person.name
        data[f"m{i}_id"] = m.person.id_number
        data[f"m{i}_birth"] = m.person.birth_date.isoformat()
        data[f"m{i}_relation"] = "self" if i == 0 else "spouse"
    data.update(
        {
            "income_wage": "0",
            "income_business": "",
            "income_property": "",
            "income_transfer": "300",
            "asset_deposit": "2000",
            "asset_vehicle": "",
            "asset_real_estate": "",
            "asset_business": "",
            "asset_securities": "",
            "bank_account": "6222020200112233445",
        }
    )
    data.update(overrides)
    return data


def signed_application(actor, household, applicant, **overrides):
    """An application declared and signed by every adult."""
    application = actions.application_start(
        actor=actor, programme="dibao", household=household, applicant=applicant
    )
    actions.declaration_submit(
        actor=actor, application=application, data=declaration_data(household, **overrides)
    )
    members = list(application.members.all())
    actions.sign(actor=actor, application=application, signed=[m.pk for m in members])
    return application
