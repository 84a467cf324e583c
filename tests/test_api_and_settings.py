"""The API's schema and identity endpoint; settings refuse to run without their secrets."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db


def test_openapi_schema_lists_the_v1_endpoints(clients):
    response = clients["alice"].get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "doudi API"
    assert sorted(schema["paths"]) == [
        "/api/v1/deliveries/{run_id}/",
        "/api/v1/feeds/",
        "/api/v1/feeds/{feed_id}/deliveries/",
        "/api/v1/households/",
        "/api/v1/households/search/",
        "/api/v1/households/{id}/",
        "/api/v1/me/",
        "/api/v1/persons/{id}/reveal-id/",
        "/api/v1/pushes/",
        "/api/v1/pushes/{push_id}/ack/",
        "/api/v1/warnings/",
        "/api/v1/warnings/{id}/",
    ]
    assert set(schema["paths"]["/api/v1/households/{id}/"]) == {"get"}
    assert schema["paths"]["/api/v1/households/{id}/"]["get"]["parameters"][0]["schema"] == {
        "type": "integer"
    }
    schemes = schema["components"]["securitySchemes"]
    assert {"cookieAuth", "tokenAuth"} <= set(schemes)


def test_me_reports_role_and_jurisdiction(clients):
    assert clients["carol"].get("/api/v1/me/").json() == {
        "username": "carol",
        "role": "street_reviewer",
        "jurisdiction_code": "420106001",
    }


def test_household_detail_api_has_members_with_masked_ids(households, clients):
    household = households["B"]
    data = clients["bob"].get(f"/api/v1/households/{household.pk}/").json()
    assert data["hukou_no"] == "100000003" and data["street_name"] == "积玉桥街道"
    assert [(m["relation"], m["person"]["name"]) for m in data["members"]] == [
        ("head", "刘芳"),
        ("child", "刘小明"),
    ]
    for member in data["members"]:
        assert "*" * 10 in member["person"]["id_masked"]
        assert "id_number" not in member["person"]


STRONG_SECRET = "q8Zr2vLk-7mWcT1xYp4NfHb9sJd3GeUa0RiK6oVtQw5EyBnXzMhCgPlFjSuDI_A"
FRESH_FIELD_KEY = "Qm9YUXg3c2lGdDJ6S1ZjZUpyTmJoV3lEcGE1THVtUTg="


def _run_settings(module: str, env_extra: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOUDI_")}
    env.update({"DJANGO_SETTINGS_MODULE": module, **env_extra})
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_its_secrets(tmp_path):
    neither = _run_settings("doudi.settings.production", {"DOUDI_VAR_DIR": str(tmp_path)})
    assert neither.returncode != 0
    assert "DOUDI_SECRET_KEY is required" in neither.stderr
    no_field_key = _run_settings(
        "doudi.settings.production",
        {"DOUDI_VAR_DIR": str(tmp_path), "DOUDI_SECRET_KEY": STRONG_SECRET},
    )
    assert no_field_key.returncode != 0
    assert "DOUDI_FIELD_ENCRYPTION_KEYS is required" in no_field_key.stderr
    both = _run_settings(
        "doudi.settings.production",
        {
            "DOUDI_VAR_DIR": str(tmp_path),
            "DOUDI_SECRET_KEY": STRONG_SECRET,
            "DOUDI_FIELD_ENCRYPTION_KEYS": FRESH_FIELD_KEY,
        },
    )
    assert both.returncode != 0
    assert "DOUDI_AUDIT_KEYS is missing" in both.stderr
    all_three = _run_settings(
        "doudi.settings.production",
        {
            "DOUDI_VAR_DIR": str(tmp_path),
            "DOUDI_SECRET_KEY": STRONG_SECRET,
            "DOUDI_FIELD_ENCRYPTION_KEYS": FRESH_FIELD_KEY,
            "DOUDI_AUDIT_KEYS": "a1:" + "QUJD" * 11,
        },
    )
    assert (all_three.returncode, all_three.stdout.strip()) == (0, "started")


def test_local_settings_generate_secrets_once_into_var(tmp_path):
    first = _run_settings("doudi.settings.local", {"DOUDI_VAR_DIR": str(tmp_path)})
    assert first.returncode == 0, first.stderr
    secrets_file = tmp_path / "local-secrets.json"
    content = secrets_file.read_text()
    assert oct(secrets_file.stat().st_mode & 0o777) == "0o600"
    _run_settings("doudi.settings.local", {"DOUDI_VAR_DIR": str(tmp_path)})
    assert secrets_file.read_text() == content


def test_sqlite_by_default_postgres_with_database_url(monkeypatch, tmp_path):
    from doudi.settings.base import database_from_env

    monkeypatch.delenv("DATABASE_URL", raising=False)
    default = database_from_env(tmp_path / "x.sqlite3")
    assert (default["ENGINE"], default["NAME"]) == (
        "django.db.backends.sqlite3",
        str(tmp_path / "x.sqlite3"),
    )
    monkeypatch.setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/test")
    pg = database_from_env(tmp_path / "x.sqlite3")
    assert (pg["ENGINE"], pg["NAME"], pg["HOST"]) == (
        "django.db.backends.postgresql",
        "test",
        "127.0.0.1",
    )


def test_no_asset_is_loaded_from_outside(households, clients):
    import re

    for url in ("/", "/households/", f"/households/{households['A1'].pk}/", "/accounts/login/"):
        html = clients["alice"].get(url).content.decode()
        external = re.findall(r'(?:src|href)="(https?://[^"]+)"', html)
        assert external == [], url


def test_console_script_survives_a_reader_that_hangs_up(tmp_path):
    """SIGPIPE stays ignored, so a server lives on when a client closes early (the demo died
    of SIG_DFL once); a command piped into `head` still ends quietly, without a traceback."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DOUDI_", "DJANGO_"))}
    env.update(DOUDI_VAR_DIR=str(tmp_path), PYTHONUNBUFFERED="1")
    code = (
        "import signal; print(signal.getsignal(signal.SIGPIPE).name, flush=True)\n"
        "for _ in range(100000): print('x' * 100)"
    )
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "doudi"), "shell", "-v", "0", "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    first = proc.stdout.readline()
    proc.stdout.close()
    stderr = proc.stderr.read()
    assert proc.wait(timeout=60) == 1
    assert first == "SIG_IGN\n"
    assert "Traceback" not in stderr, stderr
