"""Casework pages around the work: each role's home opens on its to-do, overdue first; the
household page is the whole profile with readable evidence; notifications in the header;
an expired session inside an htmx request goes to the login page and back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from doudi.casework import actions
from doudi.casework.models import Notification, Task

pytestmark = pytest.mark.django_db


def test_home_pages_open_on_the_roles_to_do_overdue_first(warned, clients, cast):
    from doudi.monitoring.selectors import today

    Task.objects.update(due_on=today() + dt.timedelta(days=10))
    Task.objects.filter(pk=warned["100000001"].pk).update(due_on=dt.date(2026, 1, 5))
    html = clients["alice"].get("/").content.decode()
    assert html.index("今日待办") < html.index("监测预警")
    assert '<span class="num" data-testid="todo-overdue">1</span>' in html
    assert "户号 100000001，期限 2026年1月5日" in html
    assert '<span class="num" data-testid="todo-unassigned">2</span>' in html
    carol = clients["carol"].get("/").content.decode()
    assert '<span class="num" data-testid="todo-unassigned">3</span>' in carol


def test_the_provider_home_lists_referrals_to_answer(warned, providers, cast, clients):
    task = warned["100000001"]
    Task.objects.filter(pk=task.pk).update(status="visited", outcome="confirmed")
    task.refresh_from_db()
    actions.referral_create(
        actor=cast["alice"], task=task, provider=providers["tutor"], need="tutoring"
    )
    html = clients["peggy"].get("/").content.decode()
    assert '<span class="num" data-testid="todo-proposed">1</span>' in html
    assert "王建国" not in html  # the provider sees the referral, not the register


def test_notifications_are_counted_in_the_header(warned, cast, clients):
    actions.task_assign(actor=cast["carol"], task=warned["100000001"], assignee=cast["alice"])
    html = clients["alice"].get("/casework/").content.decode()
    assert '<span class="badge" aria-label="1 条未读">1</span>' in html
    page = clients["alice"].get("/casework/notifications/").content.decode()
    assert "新分派的入户核查任务：户号 100000001" in page
    note = Notification.objects.get()
    response = clients["alice"].post(f"/casework/notifications/{note.pk}/open/")
    assert response["Location"] == f"/casework/tasks/{warned['100000001'].pk}/"
    assert Notification.objects.get().read_at is not None
    assert clients["bob"].post(f"/casework/notifications/{note.pk}/open/").status_code == 404


def test_the_household_page_is_the_whole_profile_with_readable_evidence(warned, clients):
    household = warned["100000001"].household
    html = clients["alice"].get(f"/casework/households/{household.pk}/").content.decode()
    for text in (
        "王建国",
        "户主",
        "李秀英",
        "配偶",
        "重特大疾病或特殊病（认定或近两年确诊）",
        "医保 · 住院结算信息",  # the source department and data set
        "2026年3月2日",  # the fact's date, one format
        "自付 23,000 元",
        "监测预警",  # its task
        "无记录",  # no visit yet, no help held
    ):
        assert text in html, text
    assert clients["bob"].get(f"/casework/households/{household.pk}/").status_code == 404


def test_an_expired_session_in_an_htmx_request_goes_to_login_and_back():
    response = Client().get(
        "/casework/?sort=level",
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/casework/?level=urgent",
    )
    assert response.status_code == 401
    assert response["HX-Redirect"] == "/accounts/login/?next=/casework/%3Flevel%3Durgent"
    assert response.content == b""
    foreign = Client().get(
        "/monitoring/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="https://evil.example/x"
    )
    assert foreign["HX-Redirect"] == "/accounts/login/?next=/"
    plain = Client().get("/casework/?sort=level")
    assert plain.status_code == 302
    assert plain["Location"] == "/accounts/login/?next=/casework/%3Fsort%3Dlevel"


def test_a_2fa_session_without_its_factor_in_htmx_goes_to_login(cast):
    client = Client()
    client.force_login(cast["dave"])  # no verified device: the session is ended
    response = client.get("/monitoring/", HTTP_HX_REQUEST="true")
    assert response.status_code == 401 and response["HX-Redirect"].startswith("/accounts/login/")
