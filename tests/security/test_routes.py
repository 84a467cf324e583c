"""The attack suite's route walk: every route of the URL conf (and every path of the OpenAPI
schema) has one rule in routes.py; each route is tried as anonymous and as each role of another
jurisdiction (department, provider), GET and POST; the status must be exactly the rule's, and a
denied POST changes nothing. A route without a rule fails, naming it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from doudi.accounts.models import User
from doudi.accounts.roles import Role
from tests.assistance.conftest import departments  # noqa: F401 (fixture)
from tests.casework.conftest import providers, warned  # noqa: F401 (fixtures)
from tests.conftest import PASSWORD, sign_in
from tests.monitoring.conftest import fake_engine  # noqa: F401 (fixture)
from tests.security.routes import ATTACKERS, RULES, discover_routes, rule_for

pytestmark = pytest.mark.django_db

# Tables a request may legitimately touch without changing anything of substance.
NOT_STATE = {
    "audit.auditentry",
    "audit.auditchainhead",
    "sessions.session",
    "axes.accessattempt",
    "axes.accesslog",
    "axes.accessfailurelog",
    "otp_totp.totpdevice",
    "django_tasks_database.dbtaskresult",
}


def state_digest() -> dict[str, str]:
    """A digest of every row of every table that holds application state."""
    digests = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in NOT_STATE or model._meta.proxy:
            continue
        rows = list(model._base_manager.order_by("pk").values_list())
        digests[label] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return digests


def _user(username, role, jurisdiction=None, **extra):
    return User.objects.create_user(
        username=username, password=PASSWORD, role=role, jurisdiction=jurisdiction, **extra
    )


@pytest.fixture
def world(tmp_path, settings, households, cast, warned, providers, district, departments):  # noqa: F811
    from doudi.casework.models import (
        AssistGrant,
        Attachment,
        Disposition,
        Notification,
        Referral,
        SavedFilter,
        Visit,
    )
    from doudi.intake.models import IngestRun, QuarantinedRow
    from doudi.monitoring.models import Warning
    from tests.intake.conftest import FEEDS

    settings.DOUDI_CATALOGUE_DIR = str(FEEDS)
    settings.DOUDI_LAKE_DIR = tmp_path / "lake"
    settings.VAR_DIR = tmp_path
    users = {
        "sam": _user("sam", Role.STREET_REVIEWER, district["street2"]),
        "yvonne": _user("yvonne", Role.DATA_OFFICER, department="医保"),
        "pat": _user("pat", Role.SERVICE_PROVIDER, district["B"]),
        # a second security officer: the owner of heidi's decisions (no one decides his own)
        "sid": _user("sid", Role.SECURITY_OFFICER),
    }
    csv_path = tmp_path / "canlian_test_202611.csv"
    csv_path.write_text(
        "残疾证号,身份证号,姓名,出生日期,联系电话,残疾等级,发证日期\n"
        "C001,,赵大山,1950-05-06,13800138000,9,2020-03-01\n",
        encoding="utf-8",
    )
    call_command("ingest", str(csv_path), stdout=StringIO())
    household = households["A1"]
    task = warned["100000001"]
    alice = cast["alice"]
    visit = Visit.objects.create(task=task, household=household, recorded_by=alice)
    world = {
        "household": household,
        "person": household.members.get(relation="head").person,
        "task": task,
        "warning": Warning.objects.get(pk=task.warning_id),
        "monitoring_run": warned["run"],
        "visit": visit,
        "attachment": Attachment.objects.create(
            visit=visit,
            content_type="image/png",
            size=1,
            sha256="0" * 64,
            name="a.png",
            path="a.png",
            uploaded_by=alice,
        ),
        "referral": Referral.objects.create(
            task=task,
            household=household,
            provider=providers["tutor"],
            need="tutoring",
            referred_by=alice,
        ),
        "disposition": Disposition.objects.create(
            task=task, kind=Disposition.Kind.APPLICATION, decided_by=alice
        ),
        "grant": AssistGrant.objects.create(
            street=district["street1"],
            recipient_name="王建国",
            amount_fen=100_000,
            limit_fen=500_000,
            reason="火灾",
            granted_by=cast["carol"],
            granted_at=timezone.now(),
        ),
        "notification": Notification.objects.create(
            user=alice, kind=Notification.Kind.choices[0][0], text="和平社区的新任务"
        ),
        "saved_filter": SavedFilter.objects.create(user=alice, name="我的", query="status=open"),
        "ingest_run": IngestRun.objects.get(feed_id="canlian_test"),
        "quarantined_row": QuarantinedRow.objects.get(),
        "today": dt.date.today(),
        **_assistance_world(cast, households, departments),
        **_accounts_world(cast, users),
        **_parameters_world(cast),
    }
    world.update(_integrity_world(cast, world))
    # Everyone signs in before the walk (sign-in itself writes sessions and last_login).
    everyone = {**cast, **users}
    clients = {"anon": Client()}
    for name in ATTACKERS:
        if name != "anon":
            clients[name] = sign_in(everyone[name])
    for name in ("alice", "carol", "dave", "erin", "frank", "peggy", "sid"):
        clients[name] = sign_in(everyone[name])
    world["clients"] = clients
    return world


def _assistance_world(cast, households, departments):  # noqa: F811
    """An approved application of household A1 (with its report, decision, entitlement, pushes
    to 医保 and a payment batch), and a draft one of A2, made through the app's actions."""
    from doudi.assistance import actions
    from doudi.assistance.models import Entitlement
    from tests.assistance.conftest import signed_application

    alice, dave = cast["alice"], cast["dave"]
    a1, a2 = households["A1"], households["A2"]
    wife = a1.members.get(relation="spouse").person
    departments.add(wife, "renshe_pension", 30000)
    application = signed_application(alice, a1, a1.members.get(relation="head").person)
    report = actions.verify(actor=alice, application=application)
    actions.decide(actor=dave, application=application, approve=True, reasons="核对一致，符合条件")
    entitlement = Entitlement.objects.get(application=application)
    batch = actions.payment_batch(month=entitlement.first_month, actor=dave)
    draft = actions.application_start(
        actor=alice,
        programme="dibao",
        household=a2,
        applicant=a2.members.get(relation="head").person,
    )
    return {
        "application": application,
        "report": report,
        "entitlement": entitlement,
        "push": application.pushes.order_by("id").first(),
        "payment_month": batch.month.strftime("%Y-%m"),
        "draft_application": draft,
        "community_a": a1.community,
    }


def _accounts_world(cast, users):
    """A pending role change of heidi's own account (so that neither she nor the administrator
    who asked may decide it), an enrolment link, a revoked token of alice's, a lockout."""
    from axes.models import AccessAttempt

    from doudi.accounts import manage

    grace, heidi, alice = cast["grace"], cast["heidi"], cast["alice"]
    change = manage.role_change(actor=grace, user=heidi, role=Role.ADMINISTRATOR, jurisdiction=None)
    link = manage.enrolment_link_create(actor=heidi, user=cast["carol"])
    token, _key = manage.api_token_issue(actor=alice, name="手机", scope="read", verified=True)
    manage.api_token_revoke(actor=alice, token=token)
    attempt = AccessAttempt.objects.create(
        username="carol",
        ip_address="10.0.0.9",
        user_agent="test",
        get_data="",
        post_data="",
        http_accept="*/*",
        path_info="/accounts/login/",
        failures_since_start=5,
    )
    return {
        "account": alice,
        "heidi_account": heidi,
        "role_change": change,
        "enrol_token": link.token,
        "token": token,
        "lockout": attempt,
    }


def _parameters_world(cast):
    """A money parameter change proposed by the bureau, awaiting a second person."""
    from doudi.parameters import actions

    proposal = actions.parameter_change_prepare(
        name="temp_township_limit_fen",
        area_code="420106",
        text="5000",
        effective_from=dt.date(2024, 7, 1),
        source="武民发〔2024〕1号",
        reason="调整临时救助乡镇审批额度",
    )
    return {
        "parameter_change": actions.parameter_change_submit(actor=cast["dave"], proposal=proposal)
    }


def _integrity_world(cast, world):
    """A breach proposed by alice on A's approved application (awaiting the bureau), the
    yearly review of its benefit, a spot check of A1 drawn to the only inspector of another
    street (sam), and A's decision for trace-back, made through the integrity app's actions."""
    from doudi.assistance.models import Decision
    from doudi.integrity import actions, scheduler, spotcheck
    from doudi.monitoring.selectors import today

    application, entitlement = world["application"], world["entitlement"]
    event = actions.breach_propose(
        actor=cast["alice"],
        application=application,
        person=application.applicant,
        breach="hidden",
        evidence="人社数据显示配偶有工资收入，申报时未报告",
        false_from=today(),
    )
    due = entitlement.first_month.replace(year=entitlement.first_month.year + 1)
    [review] = scheduler.review_schedule(actor=cast["dave"], on=due)
    plan = spotcheck.plan_create(name="路由抽查", ratio="1")
    _draw, _rows = spotcheck.draw(plan=plan, seed="1")
    return {
        "credit_event": event,
        "review": review,
        "spotcheck_item": _draw.items.get(),
        "decision": Decision.objects.get(application=application),
    }


def _request(client: Client, method: str, url: str, data: dict):
    api = url.startswith("/api/")
    if method == "GET":
        return client.get(url, HTTP_ACCEPT="application/json") if api else client.get(url)
    if api:
        return client.post(
            url, json.dumps(data), content_type="application/json", HTTP_ACCEPT="application/json"
        )
    return client.post(url, data)


def test_every_route_has_a_rule():
    missing = [f"{name} ({pattern})" for name, pattern in discover_routes() if not rule_for(name)]
    assert missing == [], "routes without a rule in tests/security/routes.py: " + ", ".join(missing)


def test_every_rule_names_a_route():
    names = {name for name, _pattern in discover_routes()}
    assert sorted(set(RULES) - names) == []


def test_every_openapi_operation_has_a_rule(clients):
    from django.urls import resolve

    schema = clients["alice"].get("/api/v1/openapi.json").json()
    missing = []
    for path, operations in schema["paths"].items():
        concrete = re.sub(r"\{[a-z_]*id\}", "1", path).replace("{feed_id}", "x")
        match = resolve(concrete)
        name = f"{match.namespace}:{match.url_name}" if match.namespace else match.url_name
        rule = rule_for(name)
        for method in operations:
            if method.upper() not in ("GET", "POST"):
                missing.append(f"{method.upper()} {path}: only GET and POST are ruled")
            elif rule is None or rule.expected(method.upper(), "bob") is None:
                missing.append(f"{method.upper()} {path} ({name})")
    assert missing == []


def test_walk_every_route_as_every_attacker(world):
    clients = world["clients"]
    wrong, changed = [], []
    for name, _pattern in discover_routes():
        rule = rule_for(name)
        if rule is None:
            continue
        url = rule.url(world)
        before = state_digest()
        for method in ("GET", "POST"):
            for attacker in ATTACKERS:
                expected = rule.expected(method, attacker)
                if expected is None:
                    continue
                response = _request(clients[attacker], method, url, rule.payload(world))
                got = response.status_code
                if got != expected:
                    wrong.append(f"{method} {url} ({name}) as {attacker}: {got}, rule {expected}")
                elif got == 302 and attacker == "anon" and expected == 302:
                    if not response["Location"].startswith("/accounts/login/") and name not in (
                        "accounts:two_factor",
                        "admin:",
                    ):
                        if not name.startswith("admin:"):
                            wrong.append(f"{method} {url} as anon: to {response['Location']}")
        after = state_digest()
        diff = sorted(k for k in before if before[k] != after[k])
        if diff:
            changed.append(f"{name}: attackers' requests changed {', '.join(diff)}")
    assert wrong == [] and changed == [], "\n".join(wrong + changed)
    # One world for the whole walk (building it signs in a dozen users): then the owners.
    _owners_succeed(world)
    _outsiders_lists_hold_nothing_of_community_a(world)


# Pages whose purpose is the full ID number: the feed to 医保 (enrolment needs it).
SHOWS_ID_NUMBERS = {"assistance:push_feed", "api:pushes"}


def _owners_succeed(world):
    """The legitimate request of each rule that names one succeeds (so no rule passes by
    refusing everybody), and no page it reads shows a full ID number (masked on screen)."""
    from doudi.registry.models import Person

    numbers = [p.id_number for p in Person.objects.all() if p.id_number]
    assert len(numbers) >= 4  # the households of A, B and C
    clients = world["clients"]
    wrong = []
    for name, rule in sorted(RULES.items()):
        if rule.owner is None:
            continue
        user, method, expected = rule.owner
        response = _request(clients[user], method, rule.url(world), rule.payload(world))
        if response.status_code != expected:
            wrong.append(f"{method} {name} as {user}: {response.status_code}, expected {expected}")
        if method == "GET" and name not in SHOWS_ID_NUMBERS:
            body = (
                b"".join(response.streaming_content) if response.streaming else response.content
            ).decode("utf-8", "replace")
            if any(number in body for number in numbers):
                wrong.append(f"GET {name} as {user}: a full ID number on the page")
    assert wrong == []


def _outsiders_lists_hold_nothing_of_community_a(world):
    """Lists that answer 200 to readers of other jurisdictions show none of A's households."""
    clients = world["clients"]
    marker = world["household"].hukou_no
    for attacker in ("bob", "sam"):
        for url in (
            "/households/",
            "/households/export.csv",
            "/casework/",
            "/monitoring/",
            "/assistance/",
            "/integrity/credit/",
            "/integrity/reviews/",
        ):
            response = clients[attacker].get(url)
            body = (
                b"".join(response.streaming_content) if response.streaming else response.content
            ).decode("utf-8", "replace")
            assert marker not in body and "王建国" not in body, (attacker, url)
        api = clients[attacker].get("/api/v1/households/", HTTP_ACCEPT="application/json")
        assert api.json()["count"] == 0 or marker not in api.content.decode()
        search = clients[attacker].post(
            "/api/v1/households/search/", {"q": "王建国"}, content_type="application/json"
        )
        assert search.json()["count"] == 0, attacker
    # The public notice board names the approved household, never an ID number.
    notice = Client().get(f"/assistance/public-notice/{world['community_a'].pk}/")
    body = notice.content.decode()
    assert notice.status_code == 200 and "王建国" in body
    for member in world["household"].members.select_related("person"):
        number = member.person.id_number
        assert number not in body, "ID number on the notice board"
