"""Unknown community codes: households wait in the unassigned community, seen by the district
bureau, until the code is mapped (page or `doudi register map-codes FILE`)."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from doudi.audit.models import AuditEntry
from doudi.registry.actions import unassigned_community
from doudi.registry.models import CommunityCodeMap, Household

from ..conftest import make_household, make_person

pytestmark = pytest.mark.django_db
SCENIC = "420106490001"


@pytest.fixture
def waiting(district):
    holding = unassigned_community(district=district["district"])
    made = []
    for n in range(3):
        person = make_person(name=f"景区居民{n}", birth=dt.date(1960, 1, 1 + n))
        household = make_household(
            hukou_no=f"90000000{n}", community=holding, members=[("head", person)]
        )
        household.registered_community_code = SCENIC if n < 2 else "420106777001"
        household.save()
        made.append(household)
    return made


def test_the_bureau_sees_unknown_codes_and_maps_one_on_the_page(waiting, district, clients):
    page = clients["dave"].get("/households/codes/")
    assert page.status_code == 200
    assert page.context["unassigned"] == [
        {"registered_community_code": SCENIC, "households": 2},
        {"registered_community_code": "420106777001", "households": 1},
    ]
    households_page = clients["dave"].get("/households/").content.decode()
    assert "2 个未识别的社区代码待映射" in households_page
    assert 'href="/households/codes/"' in households_page
    assert 'href="/households/codes/"' not in clients["alice"].get("/households/").content.decode()
    # the unassigned households are the bureau's like any other
    listed = clients["dave"].get("/households/?q=900000001").content.decode()
    assert "900000001" in listed
    response = clients["dave"].post(
        "/households/codes/", {"code": SCENIC, "community": district["C"].pk}
    )
    assert response.status_code == 302
    assert set(
        Household.objects.filter(community=district["C"]).values_list("hukou_no", flat=True)
    ) == {"900000000", "900000001"}
    assert CommunityCodeMap.objects.get().community == district["C"]
    entry = AuditEntry.objects.get(action="registry.map_code")
    assert entry.detail == {"community": district["C"].code, "households_moved": 2}


def test_only_the_district_bureau_maps_codes(waiting, district, clients):
    assert clients["alice"].get("/households/codes/").status_code == 403
    assert clients["carol"].get("/households/codes/").status_code == 403
    denied = clients["carol"].post(
        "/households/codes/", {"code": SCENIC, "community": district["A"].pk}
    )
    assert denied.status_code == 403
    assert not CommunityCodeMap.objects.exists()
    assert (
        Household.objects.filter(
            registered_community_code=SCENIC, community__code="420106000000"
        ).count()
        == 2
    )


def test_map_codes_from_a_csv_keeps_good_rows_and_names_bad_ones(waiting, district, tmp_path):
    path = tmp_path / "codes.csv"
    path.write_text(
        f"code,community_code\n{SCENIC},{district['A'].code}\n420106777001,420106999001\n",
        encoding="utf-8",
    )
    out, err = StringIO(), StringIO()
    call_command("register", "map-codes", str(path), stdout=out, stderr=err)
    assert out.getvalue().strip() == "mapped 1 codes, 2 households moved, 1 rows rejected"
    assert err.getvalue().strip() == "line 3: community_code is not a community of the register"
    assert (
        Household.objects.filter(community=district["A"], registered_community_code=SCENIC).count()
        == 2
    )
    bad = tmp_path / "bad.csv"
    bad.write_text("code\nx\n", encoding="utf-8")
    with pytest.raises(CommandError, match="bad.csv lacks the column\\(s\\) community_code"):
        call_command("register", "map-codes", str(bad), stdout=StringIO())
