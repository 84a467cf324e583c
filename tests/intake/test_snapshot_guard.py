"""Snapshots are guarded: a delivery far smaller than the one in force, or without the column
people are identified by, is held until a data officer confirms or withdraws it, and the
previous snapshot stays in force meanwhile (issue 14)."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from doudi.audit.models import AuditEntry
from doudi.engine import idnumber
from doudi.intake.models import IngestRun
from doudi.intake.selectors import catalogue, lake

pytestmark = pytest.mark.django_db
HEADER = "残疾证号,身份证号,姓名,出生日期,联系电话,残疾等级,发证日期"


@pytest.fixture(autouse=True)
def isolated_lake(settings, tmp_path):
    settings.DOUDI_LAKE_DIR = tmp_path / "lake"
    settings.VAR_DIR = tmp_path


def _rows(n, start=0):
    out = []
    for i in range(start, start + n):
        birth = dt.date(1950, 1, 1) + dt.timedelta(days=i)
        number = idnumber.make("420106", birth, 2 * i + 1)
        out.append(f"C{i:04d},{number},居民{i},{birth.isoformat()},,2,2020-03-01")
    return out


def _file(tmp_path, name, rows, header=HEADER):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def _in_force():
    con = lake().connect(catalogue().feeds.values())
    try:
        return con.execute("SELECT count(*) FROM canlian_test").fetchone()[0]
    finally:
        con.close()


def _ingest(path):
    out = StringIO()
    call_command("ingest", str(path), "--feed", "canlian_test", "--json", stdout=out)
    return json.loads(out.getvalue())[0]


def test_a_snapshot_cut_to_half_is_held_and_the_previous_stays_in_force(tmp_path):
    full = _ingest(_file(tmp_path, "full.csv", _rows(20)))
    assert (full["status"], full["written"]) == ("ingested", 20)
    half = _file(tmp_path, "half.csv", _rows(10))
    out = StringIO()
    call_command("ingest", str(half), "--feed", "canlian_test", stdout=out)
    run = IngestRun.objects.order_by("-id").first()
    assert (run.status, run.hold_code, run.written) == ("held", "snapshot_shrunk", 10)
    assert run.hold_reason == (
        "本次全量数据只有10行，是现行数据（20行）的50%，低于80%：可能是导出不完整；"
        "确认无误后再启用，否则撤回"
    )
    assert (
        f"held, the previous snapshot stays in force: {run.hold_reason} — confirm with "
        f"`doudi ingest --confirm {run.pk}` or withdraw with `doudi ingest --withdraw {run.pk}`"
    ) in out.getvalue()
    assert _in_force() == 20  # the previous snapshot stays in force
    # delivering the same file again changes nothing: it is already held
    assert _ingest(half)["status"] == "duplicate" and _in_force() == 20
    # the data officer confirms: the half snapshot replaces the full one
    done = StringIO()
    call_command("ingest", "--confirm", str(run.pk), stdout=done)
    assert done.getvalue().startswith(f"delivery {run.pk} (canlian_test) confirmed")
    run.refresh_from_db()
    assert run.status == "ingested" and _in_force() == 10
    assert AuditEntry.objects.filter(action="intake.confirm", object_id=str(run.pk)).count() == 1
    with pytest.raises(CommandError, match=f"delivery {run.pk} is not held for confirmation"):
        call_command("ingest", "--confirm", str(run.pk), stdout=StringIO())


def test_a_withdrawn_snapshot_is_deleted_and_the_previous_stays(tmp_path):
    _ingest(_file(tmp_path, "full.csv", _rows(20)))
    small = _ingest(_file(tmp_path, "small.csv", _rows(15)))  # 75 % < 80 %
    assert small["status"] == "held"
    run = IngestRun.objects.get(pk=small["run"])
    held_file = lake().feed_dir("canlian_test") / f"{run.content_hash}.parquet"
    assert held_file.exists()
    call_command("ingest", "--withdraw", str(run.pk), stdout=StringIO())
    run.refresh_from_db()
    assert run.status == "withdrawn" and not held_file.exists()
    assert lake().held("canlian_test") == [] and _in_force() == 20
    # a delivery at the ratio or above replaces it without asking
    assert _ingest(_file(tmp_path, "ok.csv", _rows(16)))["status"] == "ingested"
    assert _in_force() == 16


def test_the_ratio_is_configurable_per_feed(tmp_path, settings):
    settings.DOUDI_SNAPSHOT_MIN_RATIO = {"*": 0.8, "canlian_test": 0.4}
    _ingest(_file(tmp_path, "full.csv", _rows(20)))
    assert _ingest(_file(tmp_path, "half.csv", _rows(10)))["status"] == "ingested"
    assert _in_force() == 10


def test_a_renamed_id_column_is_held_with_the_column_named(tmp_path, clients):
    _ingest(_file(tmp_path, "full.csv", _rows(20)))
    renamed = HEADER.replace("身份证号", "身份号")
    result = _ingest(_file(tmp_path, "renamed.csv", _rows(20, start=100), header=renamed))
    run = IngestRun.objects.get(pk=result["run"])
    assert (run.status, run.hold_code) == ("held", "missing_identity")
    assert run.hold_reason == (
        "缺少识别人员的列：没有身份证号列：无法识别的列 “身份号”；请改为 身份证号、公民身份号码 之一"
    )
    assert _in_force() == 20
    assert run.flags["unknown_headers"] == ["身份号"]
    page = clients["frank"].get(f"/intake/runs/{run.pk}/").content.decode()
    assert "未识别的列（已忽略）" in page and "身份号" in page


def test_an_event_file_without_its_id_column_fails_naming_the_column(tmp_path):
    path = tmp_path / "yibao_test_1.csv"
    path.write_text("结算流水号,证件号,姓名,个人自付\nS1,x,张三,10.00\n", encoding="utf-8")
    with pytest.raises(CommandError):
        call_command("ingest", str(path), stdout=StringIO())
    run = IngestRun.objects.get()
    assert (run.status, run.error_code) == ("failed", "missing_identity")
    assert "“证件号”" in run.error_message
    assert not (tmp_path / "lake" / "yibao_test").exists()


def test_headers_are_matched_across_width_and_spaces_and_garbled_ones_are_named(tmp_path):
    wide = "残疾证号, 身份证号 ,姓　名,出生日期,联系电话,残疾等级,发证日期"  # full-width space
    assert _ingest(_file(tmp_path, "wide.csv", _rows(3), header=wide))["status"] == "ingested"
    # UTF-8 text that was read as GBK and saved again
    garbled = HEADER.encode("utf-8").decode("gbk", errors="replace")
    path = _file(tmp_path, "garbled.csv", _rows(3), header=garbled)
    with pytest.raises(CommandError, match="1 of 1 files failed"):
        _ingest(path)
    run = IngestRun.objects.order_by("-id").first()
    assert (run.status, run.error_code) == ("failed", "missing_columns")
    assert (
        f"表头“{garbled.split(',')[0]}”疑似乱码（UTF-8文本被当作GBK读取后另存，原文应为“残疾证号”）；"
        "请以UTF-8重新导出"
    ) in run.error_message


def test_the_departments_data_officer_confirms_a_held_snapshot_on_its_page(tmp_path, clients, cast):
    _ingest(_file(tmp_path, "full.csv", _rows(20)))
    held = IngestRun.objects.get(pk=_ingest(_file(tmp_path, "half.csv", _rows(10)))["run"])
    page = clients["frank"].get(f"/intake/runs/{held.pk}/").content.decode()
    assert held.hold_reason in page and 'name="decision" value="confirm"' in page
    # the bureau sees the reason but may not decide for the department
    bureau = clients["dave"].get(f"/intake/runs/{held.pk}/").content.decode()
    assert held.hold_reason in bureau and 'value="confirm"' not in bureau
    denied = clients["dave"].post(f"/intake/runs/{held.pk}/decide/", {"decision": "confirm"})
    assert denied.status_code == 403
    held.refresh_from_db()
    assert held.status == "held" and _in_force() == 20
    assert AuditEntry.objects.filter(action="intake.confirm", outcome="denied").count() == 1
    done = clients["frank"].post(f"/intake/runs/{held.pk}/decide/", {"decision": "confirm"})
    assert done.status_code == 302 and done["Location"] == f"/intake/runs/{held.pk}/"
    held.refresh_from_db()
    assert (held.status, held.decided_by) == ("ingested", cast["frank"]) and _in_force() == 10
    again = clients["frank"].post(
        f"/intake/runs/{held.pk}/decide/", {"decision": "withdraw"}, follow=True
    )
    assert "这批数据不在待确认状态。" in again.content.decode()
    assert _in_force() == 10


def test_a_pushed_batch_is_guarded_with_the_feeds_ratio(tmp_path, settings):
    from doudi.intake.actions import ingest_run_create, ingest_run_execute

    settings.DOUDI_SNAPSHOT_MIN_RATIO = {"*": 0.8, "canlian_test": 0.95}
    _ingest(_file(tmp_path, "full.csv", _rows(20)))
    keys = HEADER.split(",")
    records = [dict(zip(keys, line.split(","), strict=True)) for line in _rows(18)]
    run = ingest_run_create(
        channel=IngestRun.Channel.API, source_name="push", feed_id="canlian_test"
    )
    ingest_run_execute(run=run, records=records)  # 90 %: below this feed's 95 %
    assert (run.status, run.hold_code) == ("held", "snapshot_shrunk")
    assert _in_force() == 20
