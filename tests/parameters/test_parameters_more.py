"""The `doudi parameters` command, and two approvers at once (one applies, PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import io
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, connections

from doudi.accounts.models import User
from doudi.accounts.roles import Role
from doudi.parameters import actions
from doudi.parameters.api import params_in_force
from doudi.parameters.models import ParameterChange, ParameterValue
from doudi.parameters.specs import SPECS

JULY = dt.date(2024, 7, 1)


@pytest.mark.django_db
def test_seed_command_is_idempotent_and_show_prints_yuan():
    out = io.StringIO()
    call_command("parameters", "seed", "--area", "420102", stdout=out)
    assert out.getvalue().strip() == f"{len(SPECS)} parameters added for 420102"
    out = io.StringIO()
    call_command("parameters", "seed", "--area", "420102", stdout=out)
    assert out.getvalue().strip() == "0 parameters added for 420102"
    assert ParameterValue.objects.filter(area_code="420102").count() == len(SPECS)
    out = io.StringIO()
    call_command("parameters", "show", "--area", "420106", "--date", "2024-06-01", stdout=out)
    line = next(
        x for x in out.getvalue().splitlines() if x.startswith("dibao_standard_urban_fen\t")
    )
    assert line.split("\t")[1].startswith("950.00 ")


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL=postgres://…)"
)
@pytest.mark.django_db(transaction=True)
def test_ten_approvers_at_once_apply_the_change_once(district):
    users = [
        User.objects.create_user(
            username=f"bureau{i}",
            password="x" * 12,
            role=Role.DISTRICT_BUREAU,
            jurisdiction=district["district"],
        )
        for i in range(11)
    ]
    proposal = actions.parameter_change_prepare(
        name="dibao_standard_urban_fen",
        area_code="420106",
        text="1000",
        effective_from=JULY,
        source="x",
        reason="y",
    )
    change = actions.parameter_change_submit(actor=users[0], proposal=proposal)
    barrier = threading.Barrier(10)
    outcomes: list[str] = []
    lock = threading.Lock()

    def approve(user):
        try:
            barrier.wait()
            actions.parameter_change_decide(actor=user, change_id=change.pk, approve=True)
            result = "applied"
        except ValidationError:
            result = "already"
        except Exception as exc:  # noqa: BLE001
            result = f"error: {exc!r}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=approve, args=(u,)) for u in users[1:]]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["already"] * 9 + ["applied"]
    assert ParameterValue.objects.filter(change=change).count() == 1
    assert ParameterChange.objects.get(pk=change.pk).status == "applied"
    assert params_in_force("420106", JULY).dibao_standard_urban_fen == 100_000
