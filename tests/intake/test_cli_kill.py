"""`doudi ingest` killed with SIGKILL half-way, then run again, gives the same lake as an
uninterrupted run (real processes, local settings, a synthetic district's feeds)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from doudi.engine.lake import Lake

DOUDI = [sys.executable, "-m", "doudi"]


def _env(var: Path) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE") and not k.startswith("DOUDI_")
    }
    env["DOUDI_VAR_DIR"] = str(var)
    return env


def _run(args, var: Path, **kwargs):
    return subprocess.run(
        DOUDI + args, env=_env(var), capture_output=True, text=True, timeout=600, **kwargs
    )


@pytest.fixture(scope="module")
def district(tmp_path_factory):
    out = tmp_path_factory.mktemp("district")
    from doudi.synth import generate

    generate(out, households=4000, seed=7)
    return out


def test_sigkill_half_way_then_rerun_equals_uninterrupted(district, tmp_path):
    clean, killed = tmp_path / "clean", tmp_path / "killed"
    for var in (clean, killed):
        assert _run(["migrate", "-v", "0"], var).returncode == 0

    done = _run(["ingest", str(district), "--json"], clean)
    assert done.returncode == 0, done.stderr[-2000:]

    process = subprocess.Popen(
        DOUDI + ["ingest", str(district)],
        env=_env(killed),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    lake_dir = killed / "lake"
    deadline = time.monotonic() + 300
    # Kill once a few feeds are in the lake and another is being written.
    while time.monotonic() < deadline and process.poll() is None:
        manifests = list(lake_dir.glob("*/_manifest.json")) if lake_dir.exists() else []
        if len(manifests) >= 3:
            break
        time.sleep(0.05)
    assert process.poll() is None, "ingest finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    partial = Lake(lake_dir).state()
    assert partial != Lake(clean / "lake").state()

    again = _run(["ingest", str(district), "--json"], killed)
    assert again.returncode == 0, again.stderr[-2000:]
    assert Lake(lake_dir).state() == Lake(clean / "lake").state()
