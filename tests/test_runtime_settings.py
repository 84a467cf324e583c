"""Settings read from the environment, and the runtime dependencies a plain install needs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _settings_value(env_extra: dict, expr: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOUDI_")}
    env.update({"DJANGO_SETTINGS_MODULE": "doudi.settings.local", **env_extra})
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import django; django.setup(); from django.conf import settings; print({expr})",
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.strip()


def test_lake_and_results_folders_follow_the_environment(tmp_path):
    lake, results = tmp_path / "elsewhere" / "lake", tmp_path / "other" / "results"
    value = _settings_value(
        {
            "DOUDI_VAR_DIR": str(tmp_path / "var"),
            "DOUDI_LAKE_DIR": str(lake),
            "DOUDI_RESULTS_DIR": str(results),
        },
        "settings.DOUDI_LAKE_DIR, settings.DOUDI_RESULTS_DIR",
    )
    assert value == f"{lake} {results}"
    default = _settings_value(
        {"DOUDI_VAR_DIR": str(tmp_path / "var")},
        "settings.DOUDI_LAKE_DIR, settings.DOUDI_RESULTS_DIR",
    )
    assert default == f"{tmp_path / 'var' / 'lake'} {tmp_path / 'var' / 'results'}"


def test_an_unexpected_error_is_one_plain_line_and_traceback_shows_it(tmp_path):
    """A database that cannot be reached: one line naming the command and the error type,
    exit 1; with --traceback the traceback."""
    doudi = Path(sys.executable).with_name("doudi")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOUDI_")}
    env.update(
        {
            "DOUDI_VAR_DIR": str(tmp_path),
            "DATABASE_URL": "postgres://nobody@127.0.0.1:9/none?connect_timeout=2",
        }
    )
    plain = subprocess.run(
        [str(doudi), "monitor"], env=env, capture_output=True, text=True, timeout=120
    )
    assert plain.returncode == 1
    assert plain.stderr.strip().splitlines() == [
        "doudi monitor failed (OperationalError): run it again with --traceback to see where, "
        "and report it"
    ]
    traced = subprocess.run(
        [str(doudi), "monitor", "--traceback"], env=env, capture_output=True, text=True, timeout=120
    )
    assert traced.returncode == 1 and "Traceback (most recent call last)" in traced.stderr
