"""Integrity fixtures: a clock every app reads (it can be moved on), the assistance stand-ins
for department data, and a household on dibao with its payment history."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.assistance import actions as assistance_actions
from tests.assistance.conftest import departments, resident, signed_application  # noqa: F401


class Clock:
    def __init__(self, day: dt.date):
        self.day = day

    def __call__(self) -> dt.date:
        return self.day


@pytest.fixture
def clock(monkeypatch):
    from doudi.casework import actions as casework_actions
    from doudi.integrity import actions, scheduler, spotcheck, views

    c = Clock(dt.date(2026, 5, 6))
    for module in (assistance_actions, casework_actions, actions, scheduler, spotcheck, views):
        monkeypatch.setattr(module, "today", c)
    return c


def approve(cast, households, departments, applicant):  # noqa: F811
    wife = households["A1"].members.get(relation="spouse").person
    departments.add(wife, "renshe_pension", 30000)
    application = signed_application(cast["ivan"], households["A1"], applicant)
    assistance_actions.verify(actor=cast["alice"], application=application)
    decision = assistance_actions.decide(
        actor=cast["dave"], application=application, approve=True, reasons="核对一致，符合条件"
    )
    return application, decision
