"""Every route of the site and its one access rule, for the attack suite (test_routes.py).

The route list is generated from the URL conf (and checked against the OpenAPI schema), so a new
route without a rule here fails the suite with a message naming it.

Each rule says what each *attacker* gets for GET and for POST: anonymous, and a user of every
role who is outside the object's jurisdiction (or department, or provider), or whose role has
no business there. The objects all belong to community A (和平社区, street 001, district
420106), to the 残联 feed, to peggy's provider or to alice; the owner's own request is checked
too (``owner``), so a rule cannot pass by refusing everyone.

Statuses: 302 (to the sign-in page), 401/403 (API), 403 (role may not), 404 (object outside the
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
    (user, method, expected status) the legitimate request, which must succeed."""

    url: Callable[[dict], str]
    get: dict[str, int] | None
    post: dict[str, int] | None
    owner: tuple[str, str, int] | None = None
    note: str = ""
    data: dict = field(default_factory=dict)

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


def _anonymous_api_status() -> int:
    """DRF answers an anonymous request 401 when its first authentication class issues a
    challenge (bearer tokens), else 403 (session authentication first): both refuse."""
    from rest_framework.settings import api_settings

    first = api_settings.DEFAULT_AUTHENTICATION_CLASSES[0]()
    return 401 if first.authenticate_header(None) else 403


def _schema_rule() -> dict[str, int]:
    """The OpenAPI schema: public on main, signed-in only once part A (F8) is merged."""
    from django.conf import settings

    serve = settings.SPECTACULAR_SETTINGS.get("SERVE_PERMISSIONS", [])
    if any(p.endswith("IsAuthenticated") for p in serve):
        return api(200)
    return {"*": 200}


def api(deny: int, **overrides) -> dict[str, int]:
    """An API route: anonymous refused (401 or 403, see above), everyone else ``deny``."""
    return {"anon": _anonymous_api_status(), "*": deny, **overrides}


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
    # --- API v1 -----------------------------------------------------------------------------
    "api:schema": Rule(_r("api:schema"), get=_schema_rule(), post=None),
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
}

# Part A's account pages (issue 12, F1/F2/lockout), ruled here before they are merged: the
# targets are alice's account and ids that do not exist (a probe must learn nothing either way).
PART_A = {
    "accounts:password": Rule(
        _r("accounts:password"), get=page(200), post=page(200), note="one's own password"
    ),
    "accounts:enrol": Rule(
        _r("accounts:enrol", token="x" * 43),
        get={"*": 410},
        post={"*": 410},
        note="an unknown or used enrolment link is gone, for everyone",
    ),
    "accounts:users": Rule(
        _r("accounts:users"), get=page(403, grace=200, heidi=200), post=page(405)
    ),
    "accounts:user_create": Rule(
        _r("accounts:user_create"),
        get=page(403, grace=200),
        post=page(403, grace=200),
        note="the administrator's empty form is refused",
    ),
    "accounts:user_detail": Rule(
        _r("accounts:user_detail", user_id=_obj("target_user")),
        get=page(403, grace=200, heidi=200),
        post=page(405),
    ),
    "accounts:user_edit": Rule(
        _r("accounts:user_edit", user_id=_obj("target_user")),
        get=page(405),
        post=page(403, grace=302),
    ),
    "accounts:user_role": Rule(
        _r("accounts:user_role", user_id=_obj("target_user")),
        get=page(405),
        post=page(403, grace=400, heidi=400),
        note="an empty role request is refused (a real one needs the other officer)",
    ),
    "accounts:user_active": Rule(
        _r("accounts:user_active", user_id=_obj("target_user")),
        get=page(405),
        post=page(403, grace=302),
    ),
    "accounts:user_reset_2fa": Rule(
        _r("accounts:user_reset_2fa", user_id=_obj("target_user")),
        get=page(405),
        post=page(403, heidi=200),
    ),
    "accounts:role_change_decide": Rule(
        _r("accounts:role_change_decide", change_id=999999),
        get=page(405),
        post=page(403, grace=404, heidi=404),
    ),
    "accounts:tokens": Rule(
        _r("accounts:tokens"), get=page(200), post=page(200), note="one's own API tokens"
    ),
    "accounts:token_revoke": Rule(
        _r("accounts:token_revoke", token_id=999999), get=page(405), post=page(404)
    ),
    "accounts:lockouts": Rule(_r("accounts:lockouts"), get=page(403, heidi=200), post=page(405)),
    "accounts:lockout_unlock": Rule(
        _r("accounts:lockout_unlock", attempt_id=999999),
        get=page(405),
        post=page(403, heidi=404),
    ),
}
RULES.update(PART_A)

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
