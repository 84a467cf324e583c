"""Attacks that already held on main, kept as tests so they stay held: CSRF on state-changing
forms, XSS in free-text fields, formula injection in exports, upload bombs and oversize files."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from doudi.audit.models import AuditEntry
from doudi.intake.models import IngestRun
from doudi.registry.models import Household

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'
FORMULAS = ['=HYPERLINK("http://evil.example","点我")', "+1+1", "-2+3", "@SUM(A1)"]


@pytest.fixture
def csrf_alice(cast):
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast["alice"])
    return client


def test_csrf_refuses_state_changing_posts_without_a_token(households, csrf_alice):
    household = households["A1"]
    before = household.address
    person = household.members.get(relation="head").person
    attempts = [
        csrf_alice.post(f"/households/{household.pk}/address/", {"address": "改了"}),
        csrf_alice.post(f"/households/persons/{person.pk}/reveal-id/", {"reason": "入户核查身份"}),
        csrf_alice.post("/households/", {"q": "王建国"}),
        csrf_alice.post("/accounts/logout/"),
    ]
    assert [r.status_code for r in attempts] == [403, 403, 403, 403]
    household.refresh_from_db()
    assert household.address == before
    assert not AuditEntry.objects.filter(
        action__in=["household.update_address", "person.reveal_id", "household.search"]
    ).exists()
    assert csrf_alice.get("/").status_code == 200  # still signed in: logout was refused too


def test_csrf_token_from_another_session_is_refused(households, cast):
    other = Client(enforce_csrf_checks=True)
    other.force_login(cast["bob"])
    other.get("/")
    token = other.cookies["csrftoken"].value
    alice = Client(enforce_csrf_checks=True)
    alice.force_login(cast["alice"])
    household = households["A1"]
    response = alice.post(
        f"/households/{household.pk}/address/",
        {"address": "改了", "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 403
    household.refresh_from_db()
    assert household.address != "改了"


def test_xss_in_the_address_is_escaped(households, clients):
    household = households["A1"]
    alice = clients["alice"]
    alice.post(f"/households/{household.pk}/address/", {"address": XSS})
    household.refresh_from_db()
    assert household.address == XSS  # stored as typed (nothing valid lost)
    for url in (f"/households/{household.pk}/", "/households/"):
        html = alice.get(url).content.decode()
        assert XSS not in html and "<script>alert" not in html and "<img src=x" not in html
        if url != "/households/":
            assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_xss_in_a_task_note_is_escaped(households, clients):
    household = households["A2"]
    alice = clients["alice"]
    response = alice.post(
        f"/casework/households/{household.pk}/tasks/", {"note": XSS, "origin": "walk_in"}
    )
    from doudi.casework.models import Task

    task = Task.objects.get(household=household, note=XSS)
    assert response.status_code == 302
    html = alice.get(f"/casework/tasks/{task.pk}/").content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


@pytest.mark.parametrize("formula", FORMULAS)
def test_formula_injection_in_the_household_export(households, clients, formula):
    Household.objects.filter(pk=households["A1"].pk).update(address=formula)
    response = clients["alice"].get("/households/export.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    cells = [cell for row in rows for cell in row]
    assert "'" + formula in cells
    assert all(not cell.startswith(("=", "+", "-", "@")) for cell in cells)


def _bomb_xlsx() -> bytes:
    """A 64 MiB sheet compressed into well under 1 MiB."""
    buffer = io.BytesIO()
    row = b'<row><c t="inlineStr"><is><t>AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA</t></is></c></row>'
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(b"<worksheet><sheetData>")
            block = row * ((1 << 20) // len(row))
            for _ in range(64):
                fh.write(block)
            fh.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


@pytest.fixture
def intake_settings(settings, tmp_path):
    from tests.intake.conftest import FEEDS

    settings.DOUDI_CATALOGUE_DIR = str(FEEDS)
    settings.DOUDI_LAKE_DIR = tmp_path / "lake"
    settings.VAR_DIR = tmp_path
    return settings


def test_zip_bomb_upload_fails_with_one_line_and_writes_nothing(
    intake_settings, clients, django_capture_on_commit_callbacks
):
    data = _bomb_xlsx()
    assert len(data) < 2 << 20
    upload = SimpleUploadedFile("残联202611.xlsx", data)
    with django_capture_on_commit_callbacks(execute=True):
        response = clients["frank"].post(
            "/intake/upload/", {"feed": "canlian_test", "file": upload}
        )
    run = IngestRun.objects.get()
    assert response.status_code == 302
    assert (run.status, run.accepted, run.error_code) == ("failed", 0, "zip_bomb")
    assert "\n" not in run.error_message and run.error_message
    assert not (intake_settings.DOUDI_LAKE_DIR / "canlian_test").exists()


def test_oversize_upload_is_refused_before_anything_is_stored(
    intake_settings, clients, django_capture_on_commit_callbacks
):
    intake_settings.DOUDI_UPLOAD_MAX_BYTES = 1024
    upload = SimpleUploadedFile("残联202611.csv", b"a,b\n" + b"1,2\n" * 1000)
    response = clients["frank"].post("/intake/upload/", {"feed": "canlian_test", "file": upload})
    assert response.status_code == 200
    assert "文件超过 200 MB，请通过命令行报送或拆分后报送。" in response.content.decode()
    assert IngestRun.objects.count() == 0
    assert not (intake_settings.VAR_DIR / "uploads").exists() or not any(
        (intake_settings.VAR_DIR / "uploads").iterdir()
    )
