"""Issue 12 — F8: the API schema needs sign-in; F10: no server path in API responses or pages
(``source_name`` is the file's name only)."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from doudi.intake.models import IngestRun
from tests.intake.conftest import FEEDS
from tests.intake.test_intake_app import GOOD_CSV

pytestmark = pytest.mark.django_db


def test_the_schema_needs_sign_in(clients):
    anonymous = Client().get("/api/v1/openapi.json")
    assert anonymous.status_code == 401
    assert b"/api/v1/persons" not in anonymous.content
    signed_in = clients["alice"].get("/api/v1/openapi.json")
    assert signed_in.status_code == 200
    assert "/api/v1/persons/{id}/reveal-id/" in signed_in.json()["paths"]


@pytest.fixture
def cli_run(settings, tmp_path, cast):
    settings.DOUDI_CATALOGUE_DIR = str(FEEDS)
    settings.DOUDI_LAKE_DIR = tmp_path / "lake"
    settings.VAR_DIR = tmp_path
    deep = tmp_path / "srv" / "doudi" / "incoming"
    deep.mkdir(parents=True)
    path = deep / "canlian_test_202611.csv"
    path.write_bytes(GOOD_CSV.encode("utf-8"))
    call_command("ingest", str(path), stdout=StringIO())
    return IngestRun.objects.get(), str(deep)


def test_api_and_pages_show_the_file_name_only(cli_run, clients):
    run, directory = cli_run
    assert run.source_name == "canlian_test_202611.csv"
    body = clients["frank"].get(f"/api/v1/deliveries/{run.pk}/")
    assert body.status_code == 200
    assert body.json()["source_name"] == "canlian_test_202611.csv"
    page = clients["frank"].get(f"/intake/runs/{run.pk}/").content.decode()
    assert "canlian_test_202611.csv" in page and directory not in page


def test_runs_recorded_with_a_path_before_the_fix_show_the_name_only(cli_run, clients):
    run, _directory = cli_run
    IngestRun.objects.filter(pk=run.pk).update(
        source_name="/var/lib/doudi/incoming/canlian_test_202611.csv"
    )
    body = clients["frank"].get(f"/api/v1/deliveries/{run.pk}/").json()
    assert body["source_name"] == "canlian_test_202611.csv"
    assert "/var/lib" not in str(body)
    run.refresh_from_db()
    assert Path(run.source_name).is_absolute()  # the record itself is untouched
