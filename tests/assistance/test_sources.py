"""The department data the verification reads, without stand-ins: with no delivery every
verification feed is stale, and with no identity-resolution run nothing is found."""

from __future__ import annotations

import pytest

from doudi.assistance import actions, sources
from doudi.assistance.models import Application, VerificationReport
from tests.assistance.conftest import signed_application

pytestmark = pytest.mark.django_db


def test_no_delivery_means_every_verification_feed_is_stale(db):
    found = {s.feed: (s.last_delivery, s.stale) for s in sources.sources()}
    assert found == {feed: (None, True) for feed in sources.ITEMS}


def test_no_link_run_finds_nothing(db):
    assert sources.department_facts(hukou_no="100000001", id_indexes=["x"]) == []


def test_a_verification_with_only_stale_sources_is_not_read_as_zero(
    fixed_today, cast, households, resident
):
    wang = households["A1"].members.get(relation="head").person
    application = signed_application(cast["ivan"], households["A1"], wang)
    report = actions.verify(actor=cast["alice"], application=application)
    assert report.verdict == VerificationReport.Verdict.INCONSISTENT
    assert sorted(s["feed"] for s in report.stale_sources) == sorted(sources.ITEMS)
    assert all(r["found_fen"] is None for r in report.rows if r.get("summary"))  # unknown, never 0
    application.refresh_from_db()
    assert application.path == Application.Path.FULL
