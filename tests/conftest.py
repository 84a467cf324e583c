"""Shared fixtures: a small district and a named cast of users.

District 420106 has two streets; street 001 has communities A (…001001) and B (…001002);
street 002 has community C (…002001). Each community has households with valid, encrypted
ID numbers.

Cast: alice — officer of A; bob — officer of B; carol — reviewer of street 001;
dave — district bureau; erin — auditor; frank — data officer (残联); grace — administrator;
heidi — security officer; ivan — applicant; peggy — service provider in A.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from django.test import Client
from django_otp.oath import totp

from doudi.accounts.actions import totp_device_enrol
from doudi.accounts.models import User
from doudi.accounts.roles import Role
from doudi.engine import idnumber
from doudi.registry.models import Household, Jurisdiction, Membership, Person
from doudi.registry.selectors import id_index_of
from tests import hypothesis_profiles  # noqa: F401  (loads the Hypothesis profile)

# Test files whose tests share a session fixture (the linked synthetic district of
# tests/engine/linkage/conftest.py): under pytest-xdist they run on one worker, so the fixture
# is built once.
SHARED_SESSION_FIXTURE = {
    "tests/engine/linkage/test_backends.py": "linkage-district",
    "tests/engine/linkage/test_em_fallback.py": "linkage-district",
    "tests/engine/linkage/test_link.py": "linkage-district",
}

# The fixtures through which pytest-django lets a test reach the database.
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}


def uses_database(item) -> bool:
    """Whether pytest-django lets this test reach the database: a ``django_db`` mark or a
    database fixture (directly or through another fixture). Every other test is refused a
    database connection by pytest-django, so it runs the same on SQLite and PostgreSQL."""
    return item.get_closest_marker("django_db") is not None or not DATABASE_FIXTURES.isdisjoint(
        item.fixturenames
    )


@pytest.hookimpl(tryfirst=True)  # before `-m` selects by these marks
def pytest_collection_modifyitems(config, items):
    """Two marks, applied to every test:

    - ``database`` on the tests that use the database (:func:`uses_database`); the PostgreSQL
      run (``make test-postgres``) runs only those, the rest cannot differ between backends.
    - ``xdist_group``: under pytest-xdist (``make test`` runs ``-n auto --dist loadgroup``) a
      test file is one group, run on one worker, so its module fixtures (a generated world, a
      linked district) are built once; the files of :data:`SHARED_SESSION_FIXTURE` share a
      group. A test that names its own group keeps it. Without xdist the mark does nothing.
    """
    for item in items:
        if uses_database(item):
            item.add_marker(pytest.mark.database)
        if item.get_closest_marker("xdist_group") is None:
            path = item.nodeid.split("::", 1)[0]
            item.add_marker(pytest.mark.xdist_group(SHARED_SESSION_FIXTURE.get(path, path)))


PASSWORD = "correct horse battery staple"
_seq = itertools.count(11)


def make_person(*, name: str, birth: dt.date, male: bool = True, area: str = "420106") -> Person:
    seq = next(_seq) * 2 + (1 if male else 0)
    number = idnumber.make(area, birth, seq % 1000)
    rid = idnumber.parse(number)
    return Person.objects.create(
        name=name,
        id_number=rid.number,
        id_index=id_index_of(rid.number),
        id_masked=rid.masked,
        sex=rid.sex,
        birth_date=rid.birth_date,
        phone="13800138000",
    )


def make_household(*, hukou_no: str, community: Jurisdiction, members: list[tuple[str, Person]]):
    household = Household.objects.create(
        hukou_no=hukou_no, community=community, address=f"{community.name}幸福路1号"
    )
    for relation, person in members:
        Membership.objects.create(household=household, person=person, relation=relation)
    return household


@pytest.fixture
def district(db):
    d = Jurisdiction.objects.create(code="420106", name="武昌区", level="district")
    s1 = Jurisdiction.objects.create(code="420106001", name="积玉桥街道", level="street", parent=d)
    s2 = Jurisdiction.objects.create(code="420106002", name="杨园街道", level="street", parent=d)
    a = Jurisdiction.objects.create(
        code="420106001001", name="和平社区", level="community", parent=s1
    )
    b = Jurisdiction.objects.create(
        code="420106001002", name="新河社区", level="community", parent=s1
    )
    c = Jurisdiction.objects.create(
        code="420106002001", name="紫阳社区", level="community", parent=s2
    )
    return {"district": d, "street1": s1, "street2": s2, "A": a, "B": b, "C": c}


@pytest.fixture
def households(district):
    """Two households in A, one in B, one in C; returns them by name."""
    wang = make_person(name="王建国", birth=dt.date(1958, 3, 14))
    wife = make_person(name="李秀英", birth=dt.date(1960, 7, 2), male=False)
    h_a1 = make_household(
        hukou_no="100000001", community=district["A"], members=[("head", wang), ("spouse", wife)]
    )
    zhang = make_person(name="张伟", birth=dt.date(1985, 1, 20))
    h_a2 = make_household(hukou_no="100000002", community=district["A"], members=[("head", zhang)])
    liu = make_person(name="刘芳", birth=dt.date(1979, 11, 5), male=False)
    kid = make_person(name="刘小明", birth=dt.date(2012, 6, 1))
    h_b = make_household(
        hukou_no="100000003", community=district["B"], members=[("head", liu), ("child", kid)]
    )
    chen = make_person(name="陈静", birth=dt.date(1990, 9, 9), male=False)
    h_c = make_household(hukou_no="100000004", community=district["C"], members=[("head", chen)])
    return {"A1": h_a1, "A2": h_a2, "B": h_b, "C": h_c}


def _user(username, role, jurisdiction=None, **extra):
    return User.objects.create_user(
        username=username, password=PASSWORD, role=role, jurisdiction=jurisdiction, **extra
    )


@pytest.fixture
def cast(district):
    return {
        "alice": _user("alice", Role.COMMUNITY_OFFICER, district["A"]),
        "bob": _user("bob", Role.COMMUNITY_OFFICER, district["B"]),
        "carol": _user("carol", Role.STREET_REVIEWER, district["street1"]),
        "dave": _user("dave", Role.DISTRICT_BUREAU, district["district"]),
        "erin": _user("erin", Role.AUDITOR, district["district"]),
        "frank": _user("frank", Role.DATA_OFFICER, department="残联"),
        "grace": _user("grace", Role.ADMINISTRATOR, is_staff=True),
        "heidi": _user("heidi", Role.SECURITY_OFFICER),
        "ivan": _user("ivan", Role.APPLICANT),
        "peggy": _user("peggy", Role.SERVICE_PROVIDER, district["A"]),
    }


def current_code(device) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def sign_in(user: User) -> Client:
    """A client signed in through the real login flow (password, then TOTP where required)."""
    client = Client()
    response = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content[:500]
    if response["Location"].endswith("/accounts/2fa/"):
        from doudi.accounts.actions import user_totp_device

        device = user_totp_device(user=user) or totp_device_enrol(user=user, confirmed=True)
        response = client.post("/accounts/2fa/", {"token": current_code(device)})
        assert response.status_code == 302 and response["Location"] == "/", response.content[:500]
    return client


@pytest.fixture
def clients(cast):
    """Lazily signed-in clients by cast name."""

    class _Clients(dict):
        def __missing__(self, name):
            self[name] = sign_in(cast[name])
            return self[name]

    return _Clients()


def search_households(client: Client, query: str):
    """Search the register as the page does: POST the query, follow to ``?s=<token>``."""
    return client.post("/households/", {"q": query}, follow=True)


def export_households(client: Client, query: str = ""):
    """The CSV export of a search (by its token) or of everything visible."""
    if not query:
        return client.get("/households/export.csv")
    token = search_households(client, query).context["search_token"]
    return client.get("/households/export.csv", {"s": token})
