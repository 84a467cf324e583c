"""The one path from a bureau's folder of department files to warnings: `doudi ingest DIR`,
`doudi link`, `doudi monitor`, `doudi export warnings` — the register is built from the
ingested household-register feed, with no separate loading step (issue 14)."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from io import StringIO

import pytest
from django.core.management import call_command

from doudi.synth import generate

pytestmark = pytest.mark.django_db
AS_OF = dt.date(2026, 11, 1)
SCENIC = "420106490001"  # the East Lake scenic-area unit: not in the reference table


@pytest.fixture(scope="module")
def district_folder(tmp_path_factory):
    root = tmp_path_factory.mktemp("ownfolder")
    generate(root / "district", households=300, seed=5, as_of=AS_OF)
    return root / "district"


def _hukou_file(folder):
    return next((folder / "feeds" / "gongan_hukou").iterdir())


def _read(path):
    with open(path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    return rows[0], rows[1:]


def _write(path, header, rows):
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])


def _run_path(folder, settings, tmp_path):
    settings.DOUDI_LAKE_DIR = tmp_path / "lake"
    settings.DOUDI_RESULTS_DIR = tmp_path / "results"
    out = StringIO()
    call_command("ingest", str(folder / "feeds"), stdout=out, stderr=StringIO())
    call_command("link", stdout=StringIO(), stderr=StringIO())
    call_command("monitor", "--as-of", AS_OF.isoformat(), stdout=out, stderr=StringIO())
    target = tmp_path / "warnings.csv"
    call_command("export", "warnings", "--out", str(target), stdout=StringIO())
    with open(target, encoding="utf-8", newline="") as fh:
        warned = list(csv.DictReader(fh))
    return out.getvalue(), warned


def test_a_folder_of_department_files_gives_warnings_for_register_households(
    district_folder, settings, tmp_path
):
    from doudi.monitoring.models import MonitoringRun
    from doudi.registry.models import Household, Membership, Person

    header, rows = _read(_hukou_file(district_folder))
    hukou_nos = {r[header.index("户号")] for r in rows}
    output, warned = _run_path(district_folder, settings, tmp_path)
    # the register is the feed's: every household and person of the delivery, nothing else
    assert set(Household.objects.values_list("hukou_no", flat=True)) == hukou_nos
    assert Person.objects.count() == Membership.objects.count() == len(rows)
    assert f"register: 300 households from {len(rows)} rows (300 new" in output
    run = MonitoringRun.objects.get()
    assert run.status == "succeeded" and run.counts["unregistered"] == 0
    assert "not in the register" not in output
    assert len(warned) == run.counts["warned"] > 0
    assert {w["hukou_no"] for w in warned} <= hukou_nos


def test_load_register_is_an_alias_of_ingesting_the_register_feed(
    district_folder, settings, tmp_path
):
    from doudi.intake.models import IngestRun
    from doudi.registry.models import Household

    settings.DOUDI_LAKE_DIR = tmp_path / "lake"
    settings.DOUDI_RESULTS_DIR = tmp_path / "results"
    out = StringIO()
    call_command("load_register", str(_hukou_file(district_folder)), stdout=out)
    run = IngestRun.objects.get()
    assert (run.feed_id, run.status) == ("gongan_hukou", "ingested")
    assert run.flags["register"]["households"] == Household.objects.count() == 300
    assert "register: 300 households" in out.getvalue()


def test_a_household_in_an_unknown_community_is_monitored_and_warned(
    district_folder, settings, tmp_path
):
    """The households truly in hardship are delivered with the scenic-area code (not in the
    reference table): they land in the unassigned community and are scored and warned."""
    from doudi.registry.actions import community_code_map
    from doudi.registry.models import Household, Jurisdiction

    folder = tmp_path / "district"
    shutil.copytree(district_folder, folder)
    with open(folder / "truth" / "households.csv", encoding="utf-8", newline="") as fh:
        moved = {r["hukou_no"] for r in csv.DictReader(fh) if r["hardship"] == "1"}
    header, rows = _read(_hukou_file(folder))
    code_col, hukou_col = header.index("社区代码"), header.index("户号")
    for r in rows:
        if r[hukou_col] in moved:
            r[code_col] = SCENIC
    _write(_hukou_file(folder), header, rows)

    output, warned = _run_path(folder, settings, tmp_path)
    holding = Jurisdiction.objects.get(code="420106000000")
    known = set(Jurisdiction.objects.filter(level="community").values_list("code", flat=True))
    delivered = {r[hukou_col]: r[code_col] for r in rows if r[header.index("与户主关系")] == "户主"}
    unknown = {h for h, code in delivered.items() if code not in known}
    assert moved <= unknown
    in_holding = set(Household.objects.filter(community=holding).values_list("hukou_no", flat=True))
    assert in_holding == unknown
    assert (
        f"{len(unknown)} households in the unassigned community (unknown codes: "
        f"{', '.join(sorted({delivered[h] for h in unknown}))})"
    ) in output
    warned_moved = {w["hukou_no"] for w in warned} & moved
    warned_waiting = {w["hukou_no"] for w in warned} & unknown
    assert (
        f"unassigned community: {len(unknown)} households monitored, {len(warned_waiting)} warned"
    ) in output
    assert warned_moved, "a household of the unassigned community is warned"
    # the district maps the code: its households move to the community, now and later
    target = Jurisdiction.objects.get(code="420106001001")
    before = set(Household.objects.filter(community=target).values_list("hukou_no", flat=True))
    assert community_code_map(actor=None, code=SCENIC, community=target) == len(moved)
    assert (
        set(Household.objects.filter(community=holding).values_list("hukou_no", flat=True))
        == unknown - moved
    )
    assert (
        set(Household.objects.filter(community=target).values_list("hukou_no", flat=True))
        == before | moved
    )
