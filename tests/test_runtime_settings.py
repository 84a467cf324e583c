"""Settings read from the environment, and the runtime dependencies a plain install needs."""

from __future__ import annotations

import os
import subprocess
import sys


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
