"""F5: quarantined rows (page and CSV) show ID numbers masked; a full number is shown only after a
reason, to a role that may reveal, and the reveal is audited."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from io import StringIO

import pytest
from django.core.management import call_command

from doudi.audit.models import AuditEntry
from doudi.engine import idnumber
from doudi.intake.models import QuarantinedRow

pytestmark = pytest.mark.django_db

ID1 = idnumber.make("420106", dt.date(1950, 5, 6), 123)
BAD_ID = ID1[:-1] + ("0" if ID1[-1] != "0" else "1")  # wrong check digit
CSV = (
    "残疾证号,身份证号,姓名,出生日期,联系电话,残疾等级,发证日期\n"
    f"C001,{ID1},赵大山,1950-05-06,13800138000,9,2020-03-01\n"  # grade out of range
    f"C002,{BAD_ID},钱小红,1980-01-02,,9,2021-05-06\n"
)


@pytest.fixture
def quarantined(tmp_path, settings, cast):
    from tests.intake.conftest import FEEDS

    settings.DOUDI_CATALOGUE_DIR = str(FEEDS)
    settings.DOUDI_LAKE_DIR = tmp_path / "lake"
    settings.VAR_DIR = tmp_path
    path = tmp_path / "canlian_test_202611.csv"
    path.write_text(CSV, encoding="utf-8")
    call_command("ingest", str(path), stdout=StringIO())
    rows = {json.loads(r.raw)["残疾证号"]: r for r in QuarantinedRow.objects.all()}
    assert set(rows) == {"C001", "C002"}
    return rows


def _csv_text(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8-sig")


@pytest.mark.parametrize("name", ["frank", "dave", "erin"])
def test_csv_masks_every_id_number(quarantined, clients, name):
    text = _csv_text(clients[name].get("/intake/quarantine/download.csv"))
    assert ID1 not in text and BAD_ID not in text
    rows = list(csv.reader(io.StringIO(text)))[1:]
    cells = {json.loads(r[6])["残疾证号"]: json.loads(r[6]) for r in rows}
    assert cells["C001"]["身份证号"] == idnumber.mask(ID1)
    assert cells["C002"]["身份证号"] == idnumber.mask(BAD_ID)
    assert cells["C001"]["姓名"] == "赵大山"  # other cells untouched


@pytest.mark.parametrize("name", ["frank", "dave", "erin"])
def test_correction_page_masks_id_numbers(quarantined, clients, name):
    for row in quarantined.values():
        html = clients[name].get(f"/intake/quarantine/{row.pk}/").content.decode()
        assert ID1 not in html and BAD_ID not in html
    html = clients[name].get(f"/intake/quarantine/{quarantined['C001'].pk}/").content.decode()
    assert idnumber.mask(ID1) in html
    assert AuditEntry.objects.filter(action="intake.quarantine_view").count() == 3


def test_bureau_reveals_with_a_reason_and_it_is_audited(quarantined, clients):
    row = quarantined["C002"]
    dave = clients["dave"]
    assert "查看完整身份证号码" in dave.get(f"/intake/quarantine/{row.pk}/").content.decode()
    assert (
        "查看完整身份证号码"
        not in clients["erin"].get(f"/intake/quarantine/{row.pk}/").content.decode()
    )
    no_reason = dave.post(f"/intake/quarantine/{row.pk}/reveal-id/", {"reason": ""})
    assert no_reason.status_code == 400 and BAD_ID not in no_reason.content.decode()
    assert not AuditEntry.objects.filter(action="intake.quarantine_reveal_id").exists()
    response = dave.post(
        f"/intake/quarantine/{row.pk}/reveal-id/", {"reason": "核对残联数据的身份证号码"}
    )
    assert response.status_code == 200
    assert BAD_ID in response.content.decode()
    entry = AuditEntry.objects.get(action="intake.quarantine_reveal_id")
    assert (entry.actor_name, entry.object_type, entry.object_id, entry.outcome) == (
        "dave",
        "quarantined_row",
        str(row.pk),
        "success",
    )
    assert entry.detail == {"reason": "核对残联数据的身份证号码"}


@pytest.mark.parametrize("name", ["erin", "frank"])
def test_roles_that_may_not_reveal_are_refused_and_audited(quarantined, clients, name):
    row = quarantined["C001"]
    response = clients[name].post(
        f"/intake/quarantine/{row.pk}/reveal-id/", {"reason": "核对残联数据的身份证号码"}
    )
    assert response.status_code == 403
    assert ID1 not in response.content.decode()
    entry = AuditEntry.objects.get(action="intake.quarantine_reveal_id")
    assert (entry.actor_name, entry.outcome) == (name, "denied")


def test_reveal_outside_the_feeds_one_reads_is_404(quarantined, clients):
    row = quarantined["C001"]
    response = clients["alice"].post(
        f"/intake/quarantine/{row.pk}/reveal-id/", {"reason": "核对残联数据的身份证号码"}
    )
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="intake.quarantine_reveal_id").exists()


def test_resubmitting_a_masked_cell_keeps_the_original_number(quarantined, clients):
    row = quarantined["C001"]
    frank = clients["frank"]
    cells = frank.get(f"/intake/quarantine/{row.pk}/").context["cells"]
    values = {f"v_{i}": value for i, (key, value) in cells}
    id_index = [i for i, (key, value) in cells if key == "身份证号"][0]
    assert values[f"v_{id_index}"] == idnumber.mask(ID1)
    grade_index = [i for i, (key, value) in cells if key == "残疾等级"][0]
    values[f"v_{grade_index}"] = "4"
    response = frank.post(f"/intake/quarantine/{row.pk}/", values)
    row.refresh_from_db()
    assert (response.status_code, row.state) == (302, "resubmitted")
    from doudi.intake.selectors import lake

    con = lake().connect()
    ids = [r[0] for r in con.execute("SELECT id_number FROM canlian_test").fetchall()]
    assert ids == [ID1]
