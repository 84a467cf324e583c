"""The verification reads a household's facts from the linked lake the way identity and
monitoring do: a synthetic district delivered, linked, then one vehicle owner's record found
again by their ID number and household."""

from __future__ import annotations

import shutil

import pytest

from doudi.assistance import sources
from doudi.engine.catalogue import load_catalogue
from doudi.engine.intake.pipeline import ingest_file
from doudi.engine.lake import Lake
from doudi.identity import actions as identity_actions
from doudi.identity.selectors import run_store
from doudi.registry.selectors import id_index_of
from doudi.synth import generate

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def ingested_lake(tmp_path_factory):
    root = tmp_path_factory.mktemp("assistdistrict")
    generate(root / "district", households=300, seed=5)
    lake, catalogue = Lake(root / "lake"), load_catalogue()
    for path in sorted((root / "district" / "feeds").rglob("*")):
        if path.is_file():
            ingest_file(path, lake=lake, catalogue=catalogue)
    return root / "lake"


def test_a_vehicle_is_found_for_its_owner_and_household(ingested_lake, settings, tmp_path):
    shutil.copytree(ingested_lake, tmp_path / "lake")
    settings.DOUDI_LAKE_DIR = tmp_path / "lake"
    settings.DOUDI_RESULTS_DIR = tmp_path / "results"
    run = identity_actions.link_run()
    persons = run_store().read_persons(run.pk)
    attached = run_store().read_households(run.pk)
    con = Lake(tmp_path / "lake").connect(load_catalogue())
    record_no, id_number, price = con.execute(
        'SELECT CAST(record_no AS VARCHAR), id_number, price FROM "gongan_vehicle" '
        "WHERE id_number IS NOT NULL AND price IS NOT NULL ORDER BY record_no LIMIT 1"
    ).fetchone()
    key = persons.loc[
        (persons["source"] == "gongan_vehicle") & (persons["record_key"].astype(str) == record_no),
        "person_key",
    ].iloc[0]
    hukou_no = attached.loc[attached["person_key"] == key, "hukou_no"].iloc[0]
    index = id_index_of(id_number)
    facts = sources.department_facts(hukou_no=hukou_no, id_indexes=[index])
    vehicles = [f for f in facts if f.feed == "gongan_vehicle"]
    assert sources.Fact(index, "gongan_vehicle", "asset", "vehicle", int(price)) in vehicles
    assert all(f.id_index == index for f in facts)
    # a wage earner's monthly contributions count once: the latest month's wage base
    contribution = con.execute(
        'SELECT id_number, max("month") FROM "renshe_contribution" GROUP BY id_number '
        "HAVING count(*) > 1 ORDER BY id_number LIMIT 1"
    ).fetchone()
    assert contribution is not None  # the synthetic district has wage earners
    earner, month = contribution
    (base,) = con.execute(
        'SELECT max(wage_base) FROM "renshe_contribution" WHERE id_number = ? AND "month" = ?',
        [earner, month],
    ).fetchone()
    any_record = con.execute(
        'SELECT CAST(serial AS VARCHAR) FROM "renshe_contribution" WHERE id_number = ? LIMIT 1',
        [earner],
    ).fetchone()[0]
    earner_key = persons.loc[
        (persons["source"] == "renshe_contribution")
        & (persons["record_key"].astype(str) == any_record),
        "person_key",
    ].iloc[0]
    earner_hukou = attached.loc[attached["person_key"] == earner_key, "hukou_no"].iloc[0]
    wages = [
        f
        for f in sources.department_facts(hukou_no=earner_hukou, id_indexes=[id_index_of(earner)])
        if f.feed == "renshe_contribution"
    ]
    assert [f.amount_fen for f in wages] == [base]
    # somebody else's ID number finds nothing in that household
    assert sources.department_facts(hukou_no=hukou_no, id_indexes=["not-a-member"]) == []
