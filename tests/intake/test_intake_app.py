"""Intake through its three entry points (CLI, upload page, push API), quarantine correction,
permissions and freshness."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from doudi.accounts.manage import api_token_issue
from doudi.audit.models import AuditEntry
from doudi.engine import idnumber
from doudi.intake.models import IngestRun, QuarantinedRow
from doudi.intake.selectors import lake

pytestmark = pytest.mark.django_db

ID1 = idnumber.make("420106", dt.date(1950, 5, 6), 123)
ID2 = idnumber.make("420106", dt.date(1980, 1, 2), 246)
GOOD_CSV = (
    "残疾证号,身份证号,姓名,出生日期,联系电话,残疾等级,发证日期\n"
    f"C001,{ID1},赵大山,1950-05-06,13800138000,2,2020/3/1\n"
    f"C002,{ID2},钱小红,1980-01-02,,一级,2021年5月6日\n"
    "C003,,孙无号,,,3,2022-01-01\n"  # no ID, no birth date, no phone: no usable identity
    f"C004,{ID1},赵大山,1950-05-06,,9,2020-03-01\n"  # grade out of range
)


@pytest.fixture(autouse=True)
def isolated_lake(settings, tmp_path):
    settings.DOUDI_LAKE_DIR = tmp_path / "lake"
    settings.VAR_DIR = tmp_path


def _csv(tmp_path, text=GOOD_CSV, name="canlian_test_202611.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_cli_ingests_reports_json_and_is_idempotent(tmp_path):
    path = _csv(tmp_path)
    out = StringIO()
    call_command("ingest", str(path), "--json", stdout=out)
    [report] = json.loads(out.getvalue())
    assert (
        report["feed"],
        report["status"],
        report["rows_read"],
        report["accepted"],
        report["quarantined"],
        report["written"],
    ) == ("canlian_test", "ingested", 4, 2, 2, 2)
    reasons = sorted(QuarantinedRow.objects.values_list("line", "reason_code"))
    assert reasons == [(4, "no_identity"), (5, "out_of_range")]
    state = lake().state()
    again = StringIO()
    call_command("ingest", str(path), "--json", stdout=again)
    assert json.loads(again.getvalue())[0]["status"] == "duplicate"
    assert lake().state() == state
    assert QuarantinedRow.objects.count() == 2


def test_cli_walks_folders_and_skips_truth(tmp_path):
    feeds = tmp_path / "district" / "feeds" / "canlian_test"
    feeds.mkdir(parents=True)
    _csv(feeds, name="export.csv")
    truth = tmp_path / "district" / "truth"
    truth.mkdir()
    (truth / "records.csv").write_text("feed,record_key,person_id\n", encoding="utf-8")
    out = StringIO()
    call_command("ingest", str(tmp_path / "district"), stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert len(lines) == 1 and "canlian_test ingested read=4 accepted=2 quarantined=2" in lines[0]


def test_cli_fails_with_a_reason_and_keeps_the_lake(tmp_path):
    empty = tmp_path / "canlian_test_empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(CommandError) as err:
        call_command("ingest", str(empty), stdout=StringIO())
    assert str(err.value) == f"1 of 1 files failed; {empty}: 文件为空"
    run = IngestRun.objects.get()
    assert (run.status, run.error_code) == ("failed", "empty_file")
    assert not (tmp_path / "lake" / "canlian_test" / "_manifest.json").exists()


def test_upload_page_ingests_for_own_department(clients, cast, django_capture_on_commit_callbacks):
    frank = clients["frank"]
    page = frank.get("/intake/upload/")
    assert [c[0] for c in page.context["form"].fields["feed"].choices] == ["canlian_test"]
    upload = SimpleUploadedFile("残联202611.csv", GOOD_CSV.encode("gbk"), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = frank.post("/intake/upload/", {"feed": "canlian_test", "file": upload})
    run = IngestRun.objects.get()
    assert response["Location"] == f"/intake/runs/{run.pk}/"
    assert (run.status, run.channel, run.delivered_by.username, run.accepted, run.quarantined) == (
        "ingested",
        "upload",
        "frank",
        2,
        2,
    )
    detail = frank.get(f"/intake/runs/{run.pk}/").content.decode()
    assert '<dd data-testid="run-status">已入库</dd>' in detail
    assert '<dd data-testid="accepted">2</dd>' in detail
    assert '<dd data-testid="quarantined">2</dd>' in detail


def test_upload_to_another_departments_feed_is_refused(clients, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("x.csv", GOOD_CSV.encode(), content_type="text/csv")
    with django_capture_on_commit_callbacks(execute=True):
        response = clients["frank"].post("/intake/upload/", {"feed": "yibao_test", "file": upload})
    assert response.status_code == 200
    assert response.context["form"].has_error("feed", "invalid_choice")
    assert IngestRun.objects.count() == 0
    assert not (lake().root / "yibao_test").exists()


def test_upload_refuses_bad_types_and_empty_files(clients):
    frank = clients["frank"]
    exe = SimpleUploadedFile("x.exe", b"MZ", content_type="application/octet-stream")
    empty = SimpleUploadedFile("x.csv", b"", content_type="text/csv")
    for upload, message in (
        (exe, "不支持的文件类型：请使用 .csv、.xlsx、.jsonl 或 .parquet。"),
        (empty, "提交的是空文件。"),
    ):
        response = frank.post("/intake/upload/", {"feed": "canlian_test", "file": upload})
        assert message in response.content.decode()
    assert IngestRun.objects.count() == 0


def test_roles_without_feeds_cannot_upload(clients):
    for name in ("alice", "erin", "grace"):
        assert clients[name].get("/intake/upload/").status_code == 403


def _token_client(user):
    from django.test import Client

    _token, key = api_token_issue(actor=user, name="test", scope="deliveries", verified=True)
    return Client(HTTP_AUTHORIZATION=f"Bearer {key}")


def test_push_api_json_batch(cast):
    client = _token_client(cast["frank"])
    records = [
        {"残疾证号": "C9", "身份证号": ID2, "姓名": "钱小红", "残疾等级": "2"},
        {"残疾证号": "C10", "姓名": "无身份", "残疾等级": "1"},
    ]
    response = client.post(
        "/api/v1/feeds/canlian_test/deliveries/",
        {"records": records},
        content_type="application/json",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["status"], body["rows_read"], body["accepted"], body["quarantined"]) == (
        "ingested",
        2,
        1,
        1,
    )
    assert client.get(f"/api/v1/deliveries/{body['id']}/").json()["accepted"] == 1


def test_push_api_multipart_file(cast):
    client = _token_client(cast["frank"])
    upload = SimpleUploadedFile("x.csv", GOOD_CSV.encode("utf-8-sig"), content_type="text/csv")
    response = client.post("/api/v1/feeds/canlian_test/deliveries/", {"file": upload})
    assert response.status_code == 201
    assert (response.json()["accepted"], response.json()["quarantined"]) == (2, 2)


def test_push_to_another_departments_feed_is_refused_and_nothing_written(cast):
    client = _token_client(cast["frank"])
    records = [{"结算流水号": "S1", "身份证号": ID1, "姓名": "赵大山", "个人自付": "100"}]
    response = client.post(
        "/api/v1/feeds/yibao_test/deliveries/",
        {"records": records},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert IngestRun.objects.count() == 0
    assert not (lake().root / "yibao_test").exists()
    denied = AuditEntry.objects.get(action="intake.deliver")
    assert (denied.actor_name, denied.object_id, denied.outcome) == (
        "frank",
        "yibao_test",
        "denied",
    )


def test_other_departments_and_registry_roles_cannot_see_runs(tmp_path, cast, clients):
    call_command("ingest", str(_csv(tmp_path)), stdout=StringIO())
    run = IngestRun.objects.get()
    row = QuarantinedRow.objects.first()
    assert clients["frank"].get(f"/intake/runs/{run.pk}/").status_code == 200
    assert clients["dave"].get(f"/intake/runs/{run.pk}/").status_code == 200
    for name in ("alice", "grace"):
        assert clients[name].get(f"/intake/runs/{run.pk}/").status_code == 404
        assert clients[name].get(f"/intake/quarantine/{row.pk}/").status_code == 404
    yibao_officer = cast["frank"].__class__.objects.create_user(
        username="yvonne",
        password="correct horse battery staple",
        role="data_officer",
        department="医保",
    )
    from tests.conftest import sign_in

    yvonne = sign_in(yibao_officer)
    assert yvonne.get(f"/intake/runs/{run.pk}/").status_code == 404
    assert _token_client(yibao_officer).get(f"/api/v1/deliveries/{run.pk}/").status_code == 404


def test_quarantine_download_is_formula_safe(tmp_path, clients):
    text = GOOD_CSV + '"C005",,"=HYPERLINK(""http://x"",""点我"")",,,2,2020-01-01\n'
    call_command("ingest", str(_csv(tmp_path, text)), stdout=StringIO())
    response = clients["frank"].get("/intake/quarantine/download.csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["数据项", "批次", "位置", "字段", "原因", "Reason", "原始数据"]
    assert len(rows) == 1 + 3
    assert all(not cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    formula_row = [r for r in rows if "HYPERLINK" in r[6]][0]
    assert json.loads(formula_row[6].lstrip("'"))["姓名"].startswith("=HYPERLINK")


def test_correct_and_resubmit_a_quarantined_row(tmp_path, clients):
    call_command("ingest", str(_csv(tmp_path)), stdout=StringIO())
    row = QuarantinedRow.objects.get(reason_code="out_of_range")
    frank = clients["frank"]
    page = frank.get(f"/intake/quarantine/{row.pk}/")
    cells = page.context["cells"]
    values = {f"v_{i}": value for i, (key, value) in cells}
    grade_index = [i for i, (key, value) in cells if key == "残疾等级"][0]
    values[f"v_{grade_index}"] = "4"
    response = frank.post(f"/intake/quarantine/{row.pk}/", values)
    row.refresh_from_db()
    assert row.state == "resubmitted"
    assert response["Location"] == f"/intake/runs/{row.resolved_by_id}/"
    assert (row.resolved_by.channel, row.resolved_by.accepted) == ("resubmit", 1)
    # The corrected row joins the current snapshot instead of replacing it.
    con = lake().connect()
    assert sorted(r[0] for r in con.execute("SELECT cert_no FROM canlian_test").fetchall()) == [
        "C001",
        "C002",
        "C004",
    ]


def test_bureau_sees_stale_feeds(tmp_path, clients):
    page = clients["dave"].get("/").content.decode()
    assert "残疾人证（测试）" in page and "住院结算（测试）" in page
    call_command("ingest", str(_csv(tmp_path)), stdout=StringIO())
    stale = clients["dave"].get("/").context["stale_feeds"]
    assert [f.feed.id for f in stale] == ["yibao_test"]


def test_killed_runs_are_marked_interrupted():
    from doudi.intake.actions import runs_mark_interrupted

    dead = IngestRun.objects.create(
        channel="cli", source_name="x.csv", status="running", pid=2**22 + 12345
    )
    assert runs_mark_interrupted() == 1
    dead.refresh_from_db()
    assert dead.status == "interrupted"


def test_openapi_documents_the_push_api(clients):
    paths = clients["frank"].get("/api/v1/openapi.json").json()["paths"]
    assert {
        "/api/v1/feeds/",
        "/api/v1/feeds/{feed_id}/deliveries/",
        "/api/v1/deliveries/{run_id}/",
    } <= set(paths)
