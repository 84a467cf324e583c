"""Fifty reviewers deciding the same application at once record exactly one decision
(POLICY.md §1.9: one decision per application). Meaningful on PostgreSQL, where the
requests really run in parallel: run with DATABASE_URL=postgres://…"""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from doudi.accounts.models import User
from doudi.accounts.roles import Role
from doudi.assistance import actions
from doudi.assistance.models import Decision, Entitlement, Push
from doudi.audit.models import AuditEntry
from tests.assistance.conftest import signed_application

WORKERS = 50


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL=postgres://…)"
)
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_decides_record_exactly_one(
    fixed_today, cast, households, resident, departments, district
):
    wang = households["A1"].members.get(relation="head").person
    wife = households["A1"].members.get(relation="spouse").person
    departments.add(wife, "renshe_pension", 30000)
    application = signed_application(cast["ivan"], households["A1"], wang)
    actions.verify(actor=cast["alice"], application=application)
    reviewers = [
        User.objects.create_user(
            username=f"bureau{i}",
            password="x" * 12,
            role=Role.DISTRICT_BUREAU,
            jurisdiction=district["district"],
        )
        for i in range(WORKERS)
    ]
    barrier = threading.Barrier(WORKERS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def decide(user, approve):
        try:
            barrier.wait()
            actions.decide(
                actor=user, application=application, approve=approve, reasons="核对一致，予以批准"
            )
            result = "decided"
        except actions.AlreadyDecided:
            result = "already"
        except Exception as exc:  # anything else is a failure of the test
            result = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [
        threading.Thread(target=decide, args=(user, i % 2 == 0)) for i, user in enumerate(reviewers)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(set(outcomes)) == ["already", "decided"], outcomes
    assert outcomes.count("decided") == 1
    assert outcomes.count("already") == WORKERS - 1
    assert Decision.objects.filter(application=application).count() == 1
    decision = Decision.objects.get(application=application)
    approved = decision.outcome == Decision.Outcome.APPROVED
    assert Entitlement.objects.count() == (1 if approved else 0)
    assert Push.objects.count() == (4 if approved else 0)
    assert AuditEntry.objects.filter(action="assistance.decide").count() == 1
