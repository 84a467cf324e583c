"""Every route of the site and its one access rule, for the attack suite (test_routes.py).

The route list is generated from the URL conf (and checked against the OpenAPI schema), so a new
route without a rule here fails the suite with a message naming it.

Each rule says what each *attacker* gets for GET and for POST: anonymous, and a user of every
role who is outside the object's jurisdiction (or department, or provider), or whose role has
no business there. The objects all belong to community A (和平社区, street 001, district
420106), to the 残联 feed, to peggy's provider or to alice; the owner's own request is checked
too (``owner``), so a rule cannot pass by refusing everyone.

Statuses: 302 (to the sign-in page), 401 (API, anonymous), 403 (API), 403 (role may not), 404 (object outside the
user's jurisdiction: its existence is not revealed), 405 (method not allowed, nothing done).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import URLPattern, URLResolver, get_resolver

# The attackers, by role. Outside community A / street 001 / 残联 / peggy. One deployment serves
# one district (DOUDI_DISTRICT_CODE): the bureau and the auditor have no "other jurisdiction" in
# it, so they are not attackers here (their registry scope is in tests/registry).
ATTACKERS = {
    "anon": "anonymous",
    "bob": "community officer of community B",
    "sam": "street reviewer of street 002",
    "yvonne": "data officer of another department (医保)",
    "grace": "administrator",
    "heidi": "security officer",
    "ivan": "applicant",
    "pat": "service provider of community B (not the referral's provider)",
}
DEFAULT_LOGIN = 302  # anonymous on a page: to the sign-in page


@dataclass(frozen=True)
class Rule:
    """``url(world)`` builds the path. ``get``/``post``: status per attacker name, with
    ``"*"`` for every attacker not named (``None``: the method is not tried). ``owner``:
    (user, method, expected status) the legitimate request, which must succeed. ``data``: the
    body of every request, a dict or a function of the world (for objects' ids)."""

    url: Callable[[dict], str]
    get: dict[str, int] | None
    post: dict[str, int] | None
    owner: tuple[str, str, int] | None = None
    note: str = ""
    data: dict | Callable[[dict], dict] = field(default_factory=dict)

    def payload(self, world: dict) -> dict:
        return self.data(world) if callable(self.data) else self.data

    def expected(self, method: str, attacker: str) -> int | None:
        table = self.get if method == "GET" else self.post
        if table is None:
            return None
        if attacker in table:
            return table[attacker]
        return table["*"]


def _r(name: str, **kwargs) -> Callable[[dict], str]:
    from django.urls import reverse

    def build(world: dict) -> str:
        return reverse(
            name, kwargs={k: (v(world) if callable(v) else v) for k, v in kwargs.items()}
        )

    return build


def _obj(key: str) -> Callable[[dict], int]:
    return lambda world: world[key].pk


def page(deny: int, **overrides) -> dict[str, int]:
    """A page: anonymous to sign-in, everyone else ``deny`` unless named."""
    return {"anon": DEFAULT_LOGIN, "*": deny, **overrides}


def api(deny: int, **overrides) -> dict[str, int]:
    """An API route: anonymous 401 (token authentication answers first, with
    WWW-Authenticate), everyone else ``deny`` unless named."""
    return {"anon": 401, "*": deny, **overrides}


# Roles that read the register but not A's: officer B, reviewer of street 2, the other
# district's bureau and auditor. Roles without the register: 403.
NOT_REGISTRY = {"yvonne": 403, "grace": 403, "heidi": 403, "ivan": 403, "pat": 403}
# Casework: officers, reviewers and the bureau work cases; the auditor reads; others 403.
NOT_CASEWORK = {"yvonne": 403, "grace": 403, "heidi": 403, "ivan": 403, "pat": 403}


RULES: dict[str, Rule] = {
    # --- open pages -------------------------------------------------------------------------
    "accounts:login": Rule(
        _r("accounts:login"), get={"anon": 200, "*": 302}, post=None, note="signed in: home"
    ),
    "accounts:two_factor": Rule(
        _r("accounts:two_factor"), get={"*": 302}, post=None, note="no sign-in pending: back"
    ),
    "accounts:logout": Rule(_r("accounts:logout"), get={"*": 405}, post=None),
    "set_language": Rule(_r("set_language"), get=None, post=None, note="language cookie only"),
    "web:home": Rule(
        _r("web:home"),
        get=page(200),
        post=page(200),
        owner=("alice", "GET", 200),
        note="a POST renders the home page too (CSRF-checked, changes nothing)",
    ),
    # --- register ---------------------------------------------------------------------------
    "registry:household_list": Rule(
        _r("registry:household_list"),
        get=page(200, **NOT_REGISTRY),
        post=page(302, **NOT_REGISTRY),
        owner=("alice", "GET", 200),
        note="readers of other jurisdictions get their own (empty) list; see test_routes",
        data={"q": "王建国"},
    ),
    "registry:household_export": Rule(
        _r("registry:household_export"),
        get=page(200, **NOT_REGISTRY),
        post=page(405),
        owner=("alice", "GET", 200),
    ),
    "registry:household_detail": Rule(
        _r("registry:household_detail", household_id=_obj("household")),
        get=page(404),
        post=page(405),
        owner=("alice", "GET", 200),
    ),
    "registry:household_update_address": Rule(
        _r("registry:household_update_address", household_id=_obj("household")),
        get=page(405),
        post=page(404),
        owner=("alice", "POST", 302),
        data={"address": "被篡改的地址"},
    ),
    "registry:person_reveal_id": Rule(
        _r("registry:person_reveal_id", person_id=_obj("person")),
        get=page(405),
        post=page(404),
        data={"reason": "入户核查需要核对身份"},
        owner=("alice", "POST", 200),
    ),
    "registry:person_reveal_phone": Rule(
        _r("registry:person_reveal_phone", person_id=_obj("person")),
        get=page(405),
        post=page(404),
        data={"reason": "入户核查需要联系住户"},
        owner=("alice", "POST", 200),
    ),
    # --- audit ------------------------------------------------------------------------------
    "audit:log": Rule(_r("audit:log"), get=page(403), post=page(405), owner=("erin", "GET", 200)),
    # --- intake -----------------------------------------------------------------------------
    "intake:feeds": Rule(
        _r("intake:feeds"), get=page(403, yvonne=200), post=page(405), owner=("frank", "GET", 200)
    ),
    "intake:upload": Rule(
        _r("intake:upload"),
        get=page(403, yvonne=200),
        post=page(403, yvonne=200),
        owner=("frank", "GET", 200),
        note="yvonne may upload her own department's feeds; an empty form changes nothing",
    ),
    "intake:run_detail": Rule(
        _r("intake:run_detail", run_id=_obj("ingest_run")),
        get=page(404),
        post=page(405),
        owner=("frank", "GET", 200),
    ),
    "intake:quarantine": Rule(
        _r("intake:quarantine"),
        get=page(403, yvonne=200),
        post=page(405),
        owner=("frank", "GET", 200),
    ),
    "intake:quarantine_download": Rule(
        _r("intake:quarantine_download"),
        get=page(403, yvonne=200),
        post=page(405),
        owner=("frank", "GET", 200),
    ),
    "intake:quarantine_correct": Rule(
        _r("intake:quarantine_correct", row_id=_obj("quarantined_row")),
        get=page(404),
        post=page(404),
        owner=("frank", "GET", 200),
    ),
    "intake:quarantine_reveal_id": Rule(
        _r("intake:quarantine_reveal_id", row_id=_obj("quarantined_row")),
        get=page(405),
        post=page(404),
        data={"reason": "核对残联数据的身份证号码"},
        owner=("dave", "POST", 200),
    ),
    # --- identity ---------------------------------------------------------------------------
    "identity:review": Rule(
        _r("identity:review"), get=page(403), post=page(405), owner=("dave", "GET", 200)
    ),
    "identity:review_detail": Rule(
        _r("identity:review_detail", item_id=lambda w: 999999),
        get=page(403),
        post=page(403),
        note="no review item in the fixture: the role check comes first",
    ),
    # --- monitoring -------------------------------------------------------------------------
    "monitoring:warnings": Rule(
        _r("monitoring:warnings"),
        get=page(200, **NOT_CASEWORK),
        post=page(405),
        owner=("alice", "GET", 200),
    ),
    "monitoring:warning_detail": Rule(
        _r("monitoring:warning_detail", warning_id=_obj("warning")),
        get=page(404),
        post=page(405),
        owner=("alice", "GET", 200),
    ),
    "monitoring:summary": Rule(
        _r("monitoring:summary"), get=page(403), post=page(405), owner=("dave", "GET", 200)
    ),
    "monitoring:runs": Rule(
        _r("monitoring:runs"), get=page(403), post=page(403), owner=("dave", "GET", 200)
    ),
    "monitoring:run_detail": Rule(
        _r("monitoring:run_detail", run_id=_obj("monitoring_run")),
        get=page(404),
        post=page(405),
        owner=("dave", "GET", 200),
    ),
    "monitoring:policy": Rule(
        _r("monitoring:policy"), get=page(403), post=page(405), owner=("dave", "GET", 200)
    ),
    "monitoring:policy_edit": Rule(
        _r("monitoring:policy_edit"), get=page(403), post=page(403), owner=("dave", "GET", 200)
    ),
    "monitoring:policy_version": Rule(
        _r("monitoring:policy_version", number=lambda w: 1),
        get=page(403),
        post=page(405),
        owner=("dave", "GET", 200),
    ),
    # --- casework ---------------------------------------------------------------------------
    "casework:queue": Rule(
        _r("casework:queue"),
        get=page(200, **NOT_CASEWORK),
        post=page(405),
        owner=("alice", "GET", 200),
    ),
    "casework:queue_export": Rule(
        _r("casework:queue_export", fmt="csv"),
        get=page(200, **NOT_CASEWORK),
        post=page(405),
        owner=("alice", "GET", 200),
    ),
    "casework:queue_assign": Rule(
        _r("casework:queue_assign"),
        get=page(405),
        post=page(403, bob=302, sam=302),
        note="assigning in bulk: an empty selection assigns nothing",
    ),
    "casework:filter_save": Rule(
        _r("casework:filter_save"),
        get=page(405),
        post=page(403, bob=302, sam=302),
        note="an empty filter name saves nothing",
    ),
    "casework:filter_delete": Rule(
        _r("casework:filter_delete", filter_id=_obj("saved_filter")),
        get=page(405),
        post=page(404),
        owner=("alice", "POST", 302),
    ),
    "casework:task": Rule(
        _r("casework:task", task_id=_obj("task")),
        get=page(404),
        post=page(405),
        owner=("alice", "GET", 200),
    ),
    "casework:task_assign": Rule(
        _r("casework:task_assign", task_id=_obj("task")), get=page(405), post=page(404)
    ),
    "casework:task_close": Rule(
        _r("casework:task_close", task_id=_obj("task")), get=page(405), post=page(404)
    ),
    "casework:visit_start": Rule(
        _r("casework:visit_start", task_id=_obj("task")), get=page(405), post=page(404)
    ),
    "casework:disposition": Rule(
        _r("casework:disposition", task_id=_obj("task")), get=page(405), post=page(404)
    ),
    "casework:referral_create": Rule(
        _r("casework:referral_create", task_id=_obj("task")), get=page(405), post=page(404)
    ),
    "casework:disposition_ack": Rule(
        _r("casework:disposition_ack", disposition_id=_obj("disposition")),
        get=page(405),
        post=page(404),
    ),
    "casework:visit": Rule(
        _r("casework:visit", visit_id=_obj("visit")),
        get=page(404),
        post=page(404),
        owner=("alice", "GET", 200),
    ),
    "casework:visit_draft": Rule(
        _r("casework:visit_draft", visit_id=_obj("visit")), get=page(405), post=page(404)
    ),
    "casework:attachment_add": Rule(
        _r("casework:attachment_add", visit_id=_obj("visit")), get=page(405), post=page(404)
    ),
    "casework:attachment": Rule(
        _r("casework:attachment", attachment_id=_obj("attachment")),
        get=page(404),
        post=page(405),
    ),
    "casework:referrals": Rule(
        _r("casework:referrals"),
        get=page(403, bob=200, sam=200, pat=200),
        post=page(405),
        owner=("peggy", "GET", 200),
        note="each sees the referrals of their own area or provider",
    ),
    "casework:referral": Rule(
        _r("casework:referral", referral_id=_obj("referral")),
        get=page(404),
        post=page(405),
        owner=("peggy", "GET", 200),
    ),
    "casework:referral_respond": Rule(
        _r("casework:referral_respond", referral_id=_obj("referral")),
        get=page(405),
        post=page(404),
    ),
    "casework:session_create": Rule(
        _r("casework:session_create", referral_id=_obj("referral")),
        get=page(405),
        post=page(404),
    ),
    "casework:referral_complete": Rule(
        _r("casework:referral_complete", referral_id=_obj("referral")),
        get=page(405),
        post=page(404),
    ),
    "casework:referral_rate": Rule(
        _r("casework:referral_rate", referral_id=_obj("referral")),
        get=page(405),
        post=page(404),
    ),
    "casework:household": Rule(
        _r("casework:household", household_id=_obj("household")),
        get=page(404),
        post=page(405),
        owner=("alice", "GET", 200),
    ),
    "casework:task_create": Rule(
        _r("casework:task_create", household_id=_obj("household")),
        get=page(405),
        post=page(404),
    ),
    "casework:assist": Rule(
        _r("casework:assist"),
        get=page(403, bob=200, sam=200),
        post=page(403, sam=400),
        owner=("carol", "GET", 200),
        note="officers see grants of their area; a reviewer's empty grant form is refused",
    ),
    "casework:grant": Rule(
        _r("casework:grant", grant_id=_obj("grant")),
        get=page(404),
        post=page(405),
        owner=("carol", "GET", 200),
    ),
    "casework:grant_paperwork": Rule(
        _r("casework:grant_paperwork", grant_id=_obj("grant")), get=page(405), post=page(404)
    ),
    "casework:grant_close": Rule(
        _r("casework:grant_close", grant_id=_obj("grant")), get=page(405), post=page(404)
    ),
    "casework:overview": Rule(
        _r("casework:overview"),
        get=page(403, sam=200),
        post=page(403),
        owner=("dave", "GET", 200),
        note="the reviewer sees the overview of his street",
    ),
    "casework:parameters": Rule(
        _r("casework:parameters"),
        get=page(403, bob=200, sam=200),
        post=page(403),
        owner=("dave", "GET", 200),
    ),
    "casework:providers": Rule(
        _r("casework:providers"),
        get=page(403, bob=200, sam=200),
        post=page(403),
        owner=("dave", "GET", 200),
    ),
    "casework:notifications": Rule(
        _r("casework:notifications"),
        get=page(200),
        post=page(302),
        note="everyone has their own notifications; see test_routes for alice's not leaking",
    ),
    "casework:notification_open": Rule(
        _r("casework:notification_open", notification_id=_obj("notification")),
        get=page(405),
        post=page(404),
        owner=("alice", "POST", 302),
    ),
    "casework:service_worker": Rule(
        _r("casework:service_worker"), get=page(200), post=page(405), note="static script"
    ),
    # --- workdays ---------------------------------------------------------------------------
    "workdays:years": Rule(_r("workdays:years"), get=page(200), post=page(405)),
    "workdays:year_new": Rule(
        _r("workdays:year_new"),
        get=page(302),
        post=page(405),
        note="without a valid ?year= it goes back to the list",
    ),
    "workdays:year": Rule(_r("workdays:year", year=2026), get=page(200), post=page(405)),
    "workdays:year_edit": Rule(
        _r("workdays:year_edit", year=2026),
        get=page(403, grace=200),
        post=page(403, grace=400),
        owner=("grace", "GET", 200),
        note="the administrator enters the calendar; an empty form is refused",
    ),
    # --- accounts (administrator, security officer, every holder) ----------------------------
    "accounts:password": Rule(
        _r("accounts:password"),
        get=page(200),
        post=page(400),
        data={"old_password": "不是原密码", "new_password1": "x", "new_password2": "y"},
        owner=("alice", "GET", 200),
        note="each holder changes only his own password; a wrong one is refused",
    ),
    "accounts:enrol": Rule(
        lambda w: f"/accounts/enrol/{w['enrol_token']}/",
        get={"*": 200},
        post={"*": 200},
        note="the one-time link asks for the holder's password first; an empty form does nothing",
    ),
    "accounts:users": Rule(
        _r("accounts:users"),
        get=page(403, grace=200, heidi=200),
        post=page(405),
        owner=("grace", "GET", 200),
    ),
    "accounts:user_create": Rule(
        _r("accounts:user_create"),
        get=page(403, grace=200),
        post=page(403, grace=400),
        data={"username": "", "role": "community_officer"},
        owner=("grace", "GET", 200),
        note="only the administrator creates accounts; a form without a user name is refused",
    ),
    "accounts:user_detail": Rule(
        _r("accounts:user_detail", user_id=_obj("account")),
        get=page(403, grace=200, heidi=200),
        post=page(405),
        owner=("grace", "GET", 200),
    ),
    "accounts:user_edit": Rule(
        _r("accounts:user_edit", user_id=_obj("account")),
        get=page(405),
        post=page(403, grace=302),
        owner=("grace", "POST", 302),
        note="the administrator's empty edit changes nothing (alice's fields are empty)",
    ),
    "accounts:user_role": Rule(
        _r("accounts:user_role", user_id=_obj("account")),
        get=page(405),
        post=page(403, grace=400, heidi=400),
        note="without a role the form is refused before anything is asked",
    ),
    "accounts:user_active": Rule(
        _r("accounts:user_active", user_id=_obj("account")),
        get=page(405),
        post=page(403, grace=302),
        data={"active": "1"},
        owner=("grace", "POST", 302),
        note="activating an active account changes nothing",
    ),
    "accounts:user_reset_2fa": Rule(
        _r("accounts:user_reset_2fa", user_id=_obj("heidi_account")),
        get=page(405),
        post=page(403),
        owner=("sid", "POST", 200),
        note="heidi's own account: no one resets his own second factor; another officer may",
    ),
    "accounts:role_change_decide": Rule(
        _r("accounts:role_change_decide", change_id=_obj("role_change")),
        get=page(405),
        post=page(403),
        owner=("sid", "POST", 302),
        note="a change of heidi's account asked by grace: neither decides it; sid rejects it",
    ),
    "accounts:tokens": Rule(
        _r("accounts:tokens"),
        get=page(200),
        post=page(400),
        data={"name": "", "scope": "read"},
        owner=("alice", "GET", 200),
        note="each holder sees his own tokens (the security officer all); a nameless one is refused",
    ),
    "accounts:token_revoke": Rule(
        _r("accounts:token_revoke", token_id=_obj("token")),
        get=page(405),
        post=page(404, heidi=302),
        owner=("alice", "POST", 302),
        note="alice's (already revoked) token: others' tokens are not found; the officer may",
    ),
    "accounts:lockouts": Rule(
        _r("accounts:lockouts"),
        get=page(403, heidi=200),
        post=page(405),
        owner=("heidi", "GET", 200),
    ),
    "accounts:lockout_unlock": Rule(
        _r("accounts:lockout_unlock", attempt_id=_obj("lockout")),
        get=page(405),
        post=page(403, heidi=302),
        note="heidi, the security officer, unlocks (axes' own table; audited)",
    ),
    # --- register ---------------------------------------------------------------------------
    "registry:community_codes": Rule(
        _r("registry:community_codes"),
        get=page(403),
        post=page(403),
        owner=("dave", "GET", 200),
        note="the district bureau maps unknown community codes",
    ),
    # --- intake: held deliveries ------------------------------------------------------------
    "intake:run_decide": Rule(
        _r("intake:run_decide", run_id=_obj("ingest_run")),
        get=page(405),
        post=page(404),
        owner=("frank", "POST", 302),
        note="the 残联 run is not held: frank's empty decision is refused with a message",
    ),
    # --- parameters -------------------------------------------------------------------------
    "parameters:list": Rule(
        _r("parameters:list"), get=page(403), post=page(405), owner=("dave", "GET", 200)
    ),
    "parameters:propose": Rule(
        lambda w: "/parameters/temp_township_limit_fen/propose/",
        get=page(403),
        post=page(403),
        owner=("dave", "GET", 200),
    ),
    "parameters:change": Rule(
        _r("parameters:change", pk=_obj("parameter_change")),
        get=page(403),
        post=page(405),
        owner=("dave", "GET", 200),
    ),
    "parameters:decide": Rule(
        _r("parameters:decide", pk=_obj("parameter_change")),
        get=page(405),
        post=page(403),
        owner=("dave", "POST", 302),
        note="dave proposed it: his own decision is refused with a message, nothing changes",
    ),
    # --- assistance -------------------------------------------------------------------------
    "assistance:list": Rule(
        _r("assistance:list"),
        get=page(200, **NOT_REGISTRY),
        post=page(405),
        owner=("alice", "GET", 200),
        note="staff readers see their own area's applications; see test_routes",
    ),
    "assistance:start": Rule(
        _r("assistance:start"),
        get=page(405),
        post=page(404),
        data=lambda w: {
            "programme": "tekun",
            "household": w["household"].pk,
            "applicant": w["household"].members.get(relation="head").pk,
        },
    ),
    "assistance:application": Rule(
        _r("assistance:application", application_id=_obj("application")),
        get=page(404),
        post=page(405),
        owner=("alice", "GET", 200),
    ),
    "assistance:declaration": Rule(
        _r("assistance:declaration", application_id=_obj("draft_application")),
        get=page(404),
        post=page(404),
        owner=("alice", "GET", 200),
    ),
    "assistance:draft": Rule(
        _r("assistance:draft", application_id=_obj("draft_application")),
        get=page(405),
        post=page(404),
    ),
    "assistance:sign": Rule(
        _r("assistance:sign", application_id=_obj("draft_application")),
        get=page(404),
        post=page(404),
    ),
    "assistance:verify": Rule(
        _r("assistance:verify", application_id=_obj("application")),
        get=page(405),
        post=page(404),
    ),
    "assistance:first_opinion": Rule(
        _r("assistance:first_opinion", application_id=_obj("application")),
        get=page(405),
        post=page(404),
        data={"text": "同意"},
    ),
    "assistance:objection": Rule(
        _r("assistance:objection", application_id=_obj("application")),
        get=page(405),
        post=page(404),
        data={"text": "邻居反映有车"},
    ),
    "assistance:decide": Rule(
        _r("assistance:decide", application_id=_obj("application")),
        get=page(405),
        post=page(404),
        data={"outcome": "rejected", "reasons": "不符合条件"},
    ),
    "assistance:decision_notice": Rule(
        _r("assistance:decision_notice", application_id=_obj("application")),
        get=page(404),
        post=page(405),
        owner=("alice", "GET", 200),
    ),
    "assistance:report": Rule(
        _r("assistance:report", report_id=_obj("report")),
        get=page(404),
        post=page(405),
        owner=("alice", "GET", 200),
    ),
    "assistance:entitlement_change": Rule(
        _r("assistance:entitlement_change", entitlement_id=_obj("entitlement")),
        get=page(405),
        post=page(404),
        data={"kind": "stop", "from_month": "2027-01", "reason": "收入超过标准"},
    ),
    "assistance:member_death": Rule(
        _r("assistance:member_death", entitlement_id=_obj("entitlement")),
        get=page(405),
        post=page(404),
        data=lambda w: {
            "member": w["application"].members.order_by("id").first().pk,
            "died_on": "2026-11-30",
        },
    ),
    "assistance:public_notice": Rule(
        _r("assistance:public_notice", community_id=_obj("community_a")),
        get={"*": 200},
        post={"*": 405},
        note="the notice board is public: name, household size and amount only",
    ),
    "assistance:payments": Rule(
        _r("assistance:payments"),
        get=page(403),
        post=page(403),
        data={"month": "2027-01"},
        owner=("dave", "GET", 200),
    ),
    "assistance:payment_download": Rule(
        _r("assistance:payment_download", month=lambda w: w["payment_month"]),
        get=page(403),
        post=page(405),
        owner=("dave", "GET", 200),
    ),
    "assistance:pushes": Rule(
        _r("assistance:pushes"),
        get=page(403, yvonne=200),
        post=page(405),
        owner=("dave", "GET", 200),
        note="the 医保 data officer receives the pushes",
    ),
    "assistance:push_feed": Rule(
        _r("assistance:push_feed"),
        get=page(403, yvonne=200),
        post=page(405),
        owner=("dave", "GET", 200),
    ),
    "assistance:push_ack": Rule(
        _r("assistance:push_ack", push_id=_obj("push")),
        get=page(405),
        post=page(404, yvonne=302),
        note="yvonne (医保) may acknowledge; without a reference nothing is recorded",
    ),
    "assistance:chain": Rule(
        _r("assistance:chain", household_id=_obj("household")),
        get=page(404),
        post=page(405),
        owner=("alice", "GET", 200),
    ),
    "assistance:resident_bind": Rule(
        _r("assistance:resident_bind", household_id=_obj("household")),
        get=page(405),
        post=page(404),
        data=lambda w: {
            "member": w["household"].members.get(relation="head").pk,
            "username": "ivan",
        },
    ),
    # --- integrity (issue 18): credit records, reviews, spot checks, trace-back -------------
    "integrity:dashboard": Rule(
        _r("integrity:dashboard"),
        get=page(403, sam=200),
        post=page(405),
        owner=("dave", "GET", 200),
        note="street reviewers see their own street's figures; community officers none",
    ),
    "integrity:credit": Rule(
        _r("integrity:credit"),
        get=page(200, **NOT_REGISTRY),
        post=page(405),
        owner=("alice", "GET", 200),
        note="staff readers see the credit records of their own area; see test_routes",
    ),
    "integrity:event": Rule(
        _r("integrity:event", event_id=_obj("credit_event")),
        get=page(404, **NOT_REGISTRY),
        post=page(405),
        owner=("dave", "GET", 200),
    ),
    "integrity:event_step": Rule(
        _r("integrity:event_step", event_id=_obj("credit_event"), step="decide"),
        get=page(405),
        post=page(404, **NOT_REGISTRY),
        data={"outcome": "confirm", "reasons": "经核实情况属实"},
        owner=("dave", "POST", 302),
        note="a valid confirmation: only the bureau (not the proposer, alice) makes it",
    ),
    "integrity:breach_propose": Rule(
        _r("integrity:breach_propose", application_id=_obj("application")),
        get=page(404, **NOT_REGISTRY),
        post=page(404, **NOT_REGISTRY),
        data={
            "breach": "hidden",
            "evidence": "人社数据显示配偶有工资收入，申报时未报告",
            "false_from": "2026-06-01",
        },
        owner=("alice", "GET", 200),
    ),
    "integrity:reviews": Rule(
        _r("integrity:reviews"),
        get=page(200, **NOT_REGISTRY),
        post=page(405),
        owner=("alice", "GET", 200),
        note="staff readers see the reviews of their own area; see test_routes",
    ),
    "integrity:review": Rule(
        _r("integrity:review", review_id=_obj("review")),
        get=page(404, **NOT_REGISTRY),
        post=page(404, **NOT_REGISTRY),
        data={"outcome": "continue", "reason": "复查核实，家庭情况没有变化"},
        owner=("dave", "GET", 200),
    ),
    "integrity:spotchecks": Rule(
        _r("integrity:spotchecks"),
        get=page(403, bob=200, sam=200),
        post=page(405),
        owner=("sam", "GET", 200),
        note="inspectors see the checks assigned to them; other staff an empty list",
    ),
    "integrity:spotcheck_step": Rule(
        _r("integrity:spotcheck_step", item_id=_obj("spotcheck_item"), step="finding"),
        get=page(405),
        post=page(404, sam=302),
        owner=("sam", "POST", 302),
        note="sam (street 002) is the assigned inspector of A1: his empty finding is refused",
    ),
    "integrity:trace": Rule(
        _r("integrity:trace", decision_id=_obj("decision")),
        get=page(404, **NOT_REGISTRY),
        post=page(405),
        owner=("alice", "GET", 200),
    ),
    "integrity:trace_export": Rule(
        _r("integrity:trace_export", decision_id=_obj("decision")),
        get=page(404, **NOT_REGISTRY),
        post=page(405),
        owner=("alice", "GET", 200),
    ),
    # --- API v1 -----------------------------------------------------------------------------
    "api:schema": Rule(
        _r("api:schema"),
        get={"anon": 401, "*": 200},
        post={"anon": 401, "*": 405},
        note="the schema is for signed-in users (test_api_schema_paths)",
    ),
    "api:api-root": Rule(_r("api:api-root"), get=api(200), post=api(405)),
    "api:me": Rule(_r("api:me"), get=api(200), post=api(405), owner=("alice", "GET", 200)),
    "api:feeds": Rule(
        _r("api:feeds"), get=api(403, yvonne=200), post=api(405), owner=("frank", "GET", 200)
    ),
    "api:feed_deliver": Rule(
        _r("api:feed_deliver", feed_id="canlian_test"),
        get=api(405),
        post=api(403),
    ),
    "api:delivery": Rule(
        _r("api:delivery", run_id=_obj("ingest_run")),
        get=api(404),
        post=api(405),
        owner=("frank", "GET", 200),
    ),
    "api:household-list": Rule(
        _r("api:household-list"),
        get=api(200, **NOT_REGISTRY),
        post=api(405),
        owner=("alice", "GET", 200),
    ),
    "api:household-search": Rule(
        _r("api:household-search"),
        get=api(405),
        post=api(200, **NOT_REGISTRY),
        data={"q": "王建国"},
        owner=("alice", "POST", 200),
    ),
    "api:household-detail": Rule(
        _r("api:household-detail", pk=_obj("household")),
        get=api(404, **NOT_REGISTRY),
        post=api(405),
        owner=("alice", "GET", 200),
    ),
    "api:person-reveal-id": Rule(
        _r("api:person-reveal-id", pk=_obj("person")),
        get=api(405),
        post=api(404),
        data={"reason": "入户核查需要核对身份"},
        owner=("alice", "POST", 200),
    ),
    "api:warning-list": Rule(
        _r("api:warning-list"),
        get=api(200, **NOT_CASEWORK),
        post=api(405),
        owner=("alice", "GET", 200),
    ),
    "api:warning-detail": Rule(
        _r("api:warning-detail", pk=_obj("warning")),
        get=api(404, **NOT_CASEWORK),
        post=api(405),
        owner=("alice", "GET", 200),
    ),
    "api:pushes": Rule(
        _r("api:pushes"), get=api(403, yvonne=200), post=api(405), owner=("dave", "GET", 200)
    ),
    "api:push_ack": Rule(
        _r("api:push_ack", push_id=_obj("push")),
        get=api(405),
        post=api(403, yvonne=400),
        note="yvonne (医保) may acknowledge; without a reference the request is refused",
    ),
}

# Routes under these prefixes are covered by one rule each (the whole mounted site).
PREFIX_RULES: dict[str, Rule] = {
    "admin:": Rule(
        lambda w: "/admin/",
        get={"anon": 302, "*": 302, "grace": 200},
        post=None,
        note="Django's admin site (replaced by doudi's own account pages in part A)",
    ),
}


def discover_routes() -> list[tuple[str, str]]:
    """(name, pattern) of every route in the URL conf; DRF's format-suffix twins are one."""
    seen: dict[str, str] = {}

    def walk(patterns, prefix: str, namespace: str):
        for p in patterns:
            if isinstance(p, URLResolver):
                ns = namespace + (f"{p.namespace}:" if p.namespace else "")
                walk(p.url_patterns, prefix + str(p.pattern), ns)
            elif isinstance(p, URLPattern):
                name = namespace + p.name if p.name else f"{namespace}<unnamed {prefix}{p.pattern}>"
                seen.setdefault(name, prefix + str(p.pattern))

    walk(get_resolver().url_patterns, "/", "")
    return sorted(seen.items())


def rule_for(name: str) -> Rule | None:
    if name in RULES:
        return RULES[name]
    for prefix, rule in PREFIX_RULES.items():
        if name.startswith(prefix):
            return rule
    return None
