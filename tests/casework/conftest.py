"""Casework fixtures: a monitoring run (the app tests' stand-in engine) whose warnings become
tasks through the post-run hook, providers, and real and fake attachment bytes."""

from __future__ import annotations

import datetime as dt
import struct
import zlib

import pytest

from doudi.casework.models import Provider, Task
from doudi.monitoring import actions as monitoring_actions
from tests.monitoring.conftest import ILLNESS, POOR, fake_engine  # noqa: F401 (fixture)

RUN_DAY = dt.date(2026, 5, 6)  # a Wednesday


@pytest.fixture
def warned(fake_engine, households):  # noqa: F811
    fake_engine.households = [
        ("100000001", 60.0, "warning", ["serious_illness", "medical_spending_share"], ILLNESS),
        ("100000002", 45.5, "watch", ["income_below_dibian"], POOR),
        ("100000003", 78.0, "urgent", ["income_below_dibao"], POOR),
        ("100000004", 50.0, "watch", ["income_below_dibian"], POOR),
    ]
    run = monitoring_actions.monitoring_run(actor=None, as_of=RUN_DAY)
    return {t.household.hukou_no: t for t in Task.objects.select_related("household")} | {
        "run": run
    }


@pytest.fixture
def fixed_today(monkeypatch):
    """Casework's "today" on a fixed working day, so deadlines counted from today never run
    into a year whose holiday table is not entered yet."""
    from doudi.casework import actions

    monkeypatch.setattr(actions, "today", lambda: RUN_DAY)
    return RUN_DAY


@pytest.fixture
def providers(district, cast):
    tutor = Provider.objects.create(
        kind=Provider.Kind.VOLUNTEER,
        name="彩虹志愿服务队",
        skills=["tutoring", "companionship"],
        capacity=2,
        user=cast["peggy"],
    )
    tutor.areas.set([district["street1"]])
    counsel = Provider.objects.create(
        kind=Provider.Kind.ORGANISATION,
        name="武昌心理社工站",
        skills=["psychological_comfort"],
        capacity=5,
    )
    counsel.areas.set([district["C"]])
    return {"tutor": tutor, "counsel": counsel}


def png_bytes() -> bytes:
    """A real 1×1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def pdf_bytes() -> bytes:
    return (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
