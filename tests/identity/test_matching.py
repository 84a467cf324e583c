"""Matching one record against the current run: who may, the audit trail, the index following
the current run, and `doudi match`."""

from __future__ import annotations

import json
from io import StringIO

import pandas as pd
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from doudi.audit.models import AuditEntry
from doudi.engine.catalogue import load_catalogue
from doudi.engine.intake.pipeline import ingest_file
from doudi.engine.lake import Lake
from doudi.engine.linkage.district import link_district, records_from_lake
from doudi.identity.matching import NoLinkRun, person_match
from doudi.identity.models import LinkRun
from doudi.identity.selectors import run_store
from doudi.synth import generate

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    """A small district, ingested and linked once; one record with a valid ID that the run
    gave to a single person."""
    root = tmp_path_factory.mktemp("matching")
    generate(root / "district", households=300, seed=4)
    lake, catalogue = Lake(root / "lake"), load_catalogue()
    for path in sorted((root / "district" / "feeds").rglob("*")):
        if path.is_file():
            ingest_file(path, lake=lake, catalogue=catalogue)
    run = link_district(lake, catalogue)
    persons = root / "persons.parquet"
    run.persons.to_parquet(persons, index=False)
    shifted = root / "persons-shifted.parquet"
    run.persons.assign(person_key=run.persons["person_key"] + 1000).to_parquet(shifted, index=False)
    records = (
        records_from_lake(lake, catalogue)
        .to_pandas()
        .merge(run.persons[["unique_id", "person_key"]], on="unique_id")
    )
    valid = records[records["id_number"].notna() & records["name"].notna()]
    one = valid[valid.groupby("id_number")["person_key"].transform("nunique") == 1]
    record = one.sort_values("unique_id").iloc[0]
    return {
        "lake": root / "lake",
        "persons": persons,
        "shifted": shifted,
        "model": run.model,
        "threshold": run.threshold,
        "name": record["name"],
        "id_number": record["id_number"],
        "person_key": int(record["person_key"]),
    }


def _with_persons(run: LinkRun, path) -> LinkRun:
    """The run's persons, from ``path``, into the run store."""
    run_store().write_persons(run.pk, pd.read_parquet(path))
    return run


@pytest.fixture
def current(linked, settings, tmp_path):
    settings.DOUDI_LAKE_DIR = linked["lake"]
    settings.DOUDI_RESULTS_DIR = tmp_path / "results"
    run = LinkRun.objects.create(
        status="succeeded",
        is_current=True,
        threshold=linked["threshold"],
        model=linked["model"],
    )
    return _with_persons(run, linked["persons"])


def test_without_a_current_run_the_answer_says_so(cast):
    with pytest.raises(NoLinkRun, match=r"no identity-resolution run yet: run `doudi link` first"):
        person_match(actor=cast["dave"], record={"name": "王建国"})
    with pytest.raises(CommandError, match="no identity-resolution run yet"):
        call_command("match", "--name", "王建国", stdout=StringIO())
    assert AuditEntry.objects.count() == 0


def test_roles_without_the_capability_are_refused_and_nothing_is_audited(current, cast, linked):
    record = {"name": linked["name"], "id_number": linked["id_number"]}
    for who in ("alice", "carol", "erin", "frank", "grace", "heidi", "ivan", "peggy"):
        with pytest.raises(PermissionDenied):
            person_match(actor=cast[who], record=record)
    with pytest.raises(PermissionDenied):
        person_match(actor=AnonymousUser(), record=record)
    assert AuditEntry.objects.count() == 0


def test_district_staff_match_and_the_lookup_is_audited_without_the_record(current, cast, linked):
    result = person_match(
        actor=cast["dave"], record={"name": linked["name"], "id_number": linked["id_number"]}
    )
    assert (result["run"], result["person_key"], result["basis"], result["match_probability"]) == (
        current.pk,
        linked["person_key"],
        "id",
        1.0,
    )
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor_name, entry.object_type, entry.object_id, entry.outcome) == (
        "identity.match",
        "dave",
        "link_run",
        str(current.pk),
        "success",
    )
    assert entry.detail == {
        "basis": "id",
        "matched": True,
        "person_key": linked["person_key"],
        "candidates": len(result["candidates"]),
        "via": "app",
    }
    text = json.dumps(entry.detail, ensure_ascii=False)
    assert linked["name"] not in text and linked["id_number"] not in text


def test_the_index_follows_the_current_run(current, cast, linked):
    record = {"name": linked["name"], "id_number": linked["id_number"]}
    assert person_match(actor=cast["dave"], record=record)["person_key"] == linked["person_key"]
    LinkRun.objects.filter(pk=current.pk).update(is_current=False)
    newer = LinkRun.objects.create(
        status="succeeded",
        is_current=True,
        threshold=linked["threshold"],
        model=linked["model"],
    )
    _with_persons(newer, linked["shifted"])
    result = person_match(actor=cast["dave"], record=record)
    assert (result["run"], result["person_key"]) == (newer.pk, linked["person_key"] + 1000)


def test_match_command_prints_the_result_and_audits_it(current, linked):
    out = StringIO()
    with translation.override("en"):
        call_command("match", "--name", linked["name"], "--id", linked["id_number"], stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == (
        f"Matched: person {linked['person_key']} (basis: resident ID, probability 1.000)"
    )
    assert lines[1].startswith(f"Link run {current.pk}; candidates: ")
    assert lines[2].startswith(f"  person {linked['person_key']}  probability ")
    assert "name +" in lines[2] and "ID number +" in lines[2]
    out = StringIO()
    call_command("match", "--name", "司马未央", "--birth-date", "2026-10-03", "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert (data["run"], data["person_key"], data["basis"], data["match_probability"]) == (
        current.pk,
        None,
        "model",
        None,
    )
    entries = list(AuditEntry.objects.order_by("seq").values_list("actor_name", "detail"))
    assert [(who, d["via"], d["matched"]) for who, d in entries] == [
        ("", "command", True),
        ("", "command", False),
    ]


def test_match_command_needs_a_field():
    with pytest.raises(CommandError, match="give at least one of"):
        call_command("match", stdout=StringIO())
