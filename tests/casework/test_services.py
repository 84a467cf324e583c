"""Service assistance: dispositions of confirmed hardship, matching providers by skill, area
and free capacity, the provider's answer, sessions, rating — and a provider sees only their
own referrals."""

from __future__ import annotations

import datetime as dt

import pytest

from doudi.audit.models import AuditEntry
from doudi.casework import actions, selectors
from doudi.casework.models import Disposition, Notification, Referral, ServiceSession, Task
from doudi.monitoring.selectors import today

pytestmark = pytest.mark.django_db


@pytest.fixture
def confirmed(warned):
    Task.objects.filter(pk__in=[warned["100000001"].pk, warned["100000004"].pk]).update(
        status="visited", outcome="confirmed"
    )
    return {h: Task.objects.get(pk=warned[h].pk) for h in ("100000001", "100000004")}


def test_dispositions_of_confirmed_hardship(confirmed, cast, clients):
    task = confirmed["100000001"]
    clients["alice"].post(
        f"/casework/tasks/{task.pk}/dispositions/",
        {"kind": "referral", "department": "区医保局", "detail": "申请医疗救助"},
    )
    clients["alice"].post(
        f"/casework/tasks/{task.pk}/dispositions/", {"kind": "conference", "decision": ""}
    )  # refused: a case conference needs its decision
    clients["alice"].post(
        f"/casework/tasks/{task.pk}/dispositions/",
        {"kind": "conference", "decision": "区协调机制一事一议：给予临时救助并转介社工"},
    )
    rows = list(Disposition.objects.order_by("id").values_list("kind", "department"))
    assert rows == [("referral", "区医保局"), ("conference", "")]
    task.refresh_from_db()
    first = Disposition.objects.order_by("id").first()
    assert task.disposed_at == first.created_at
    clients["alice"].post(
        f"/casework/dispositions/{first.pk}/acknowledge/", {"note": "医保局王科长签收"}
    )
    first.refresh_from_db()
    assert first.acknowledged_note == "医保局王科长签收" and first.acknowledged_at is not None
    assert (
        clients["bob"]
        .post(f"/casework/dispositions/{first.pk}/acknowledge/", {"note": "x"})
        .status_code
        == 404
    )


def test_providers_match_by_skill_area_and_free_capacity(confirmed, providers, cast):
    community_a = confirmed["100000001"].community
    assert selectors.providers_matching(need="tutoring", community=community_a) == [
        providers["tutor"]
    ]
    assert selectors.providers_matching(need="psychological_comfort", community=community_a) == []
    community_c = confirmed["100000004"].community
    assert selectors.providers_matching(need="psychological_comfort", community=community_c) == [
        providers["counsel"]
    ]
    task = confirmed["100000001"]
    for _ in range(2):
        actions.referral_create(
            actor=cast["alice"], task=task, provider=providers["tutor"], need="tutoring"
        )
    assert selectors.providers_matching(need="tutoring", community=community_a) == []  # full
    with pytest.raises(actions.ValidationError):
        actions.referral_create(
            actor=cast["alice"], task=task, provider=providers["tutor"], need="tutoring"
        )
    assert Referral.objects.count() == 2


def test_referral_accepted_by_the_provider_then_sessions_and_rating(
    confirmed, providers, cast, clients
):
    task = confirmed["100000001"]
    actions.task_assign(actor=cast["alice"], task=task, assignee=cast["alice"])
    clients["alice"].post(
        f"/casework/tasks/{task.pk}/referrals/",
        {"need": "tutoring", "provider": providers["tutor"].pk, "note": "孩子数学跟不上"},
    )
    referral = Referral.objects.get()
    assert Notification.objects.get(user=cast["peggy"]).kind == "referral_new"
    assert clients["peggy"].get("/").status_code == 200
    clients["peggy"].post(f"/casework/referrals/{referral.pk}/respond/", {"accept": "1"})
    referral.refresh_from_db()
    assert referral.status == "accepted"
    assert [n.kind for n in Notification.objects.filter(user=cast["alice"]).order_by("id")] == [
        "assigned",
        "referral_accepted",
    ]
    clients["peggy"].post(
        f"/casework/referrals/{referral.pk}/sessions/",
        {"held_on": today().isoformat(), "minutes": "90", "summary": "辅导数学作业"},
    )
    session = ServiceSession.objects.get()
    assert (session.minutes, session.summary, session.logged_by) == (
        90,
        "辅导数学作业",
        cast["peggy"],
    )
    assert Task.objects.get(pk=task.pk).first_help_at == session.created_at
    assert selectors.volunteer_hours()[providers["tutor"].pk] == actions.Decimal("1.5")
    clients["peggy"].post(f"/casework/referrals/{referral.pk}/complete/")
    clients["alice"].post(
        f"/casework/referrals/{referral.pk}/rate/", {"rating": "5", "note": "满意"}
    )
    referral.refresh_from_db()
    assert (referral.status, referral.rating, referral.rating_note) == ("completed", 5, "满意")
    assert [
        e.action
        for e in AuditEntry.objects.filter(object_type="referral").exclude(action="referral.view")
    ] == [
        "casework.referral_create",
        "casework.referral_respond",
        "casework.session_log",
        "casework.referral_complete",
        "casework.referral_rate",
    ]


def test_a_future_session_is_refused(confirmed, providers, cast):
    referral = actions.referral_create(
        actor=cast["alice"],
        task=confirmed["100000001"],
        provider=providers["tutor"],
        need="tutoring",
    )
    actions.referral_respond(actor=cast["peggy"], referral=referral, accept=True)
    with pytest.raises(actions.ValidationError) as caught:
        actions.session_log(
            actor=cast["peggy"],
            referral=referral,
            held_on=today() + dt.timedelta(days=1),
            minutes=30,
            summary="陪伴聊天",
        )
    assert caught.value.messages == ["服务日期：不能晚于今天"]
    assert not ServiceSession.objects.exists()


def test_a_provider_sees_only_their_own_referrals(confirmed, providers, cast, clients, district):
    from doudi.accounts.models import User
    from doudi.accounts.roles import Role
    from tests.conftest import PASSWORD, sign_in

    mine = actions.referral_create(
        actor=cast["alice"],
        task=confirmed["100000001"],
        provider=providers["tutor"],
        need="tutoring",
    )
    theirs = actions.referral_create(
        actor=cast["dave"],
        task=confirmed["100000004"],
        provider=providers["counsel"],
        need="psychological_comfort",
    )
    assert clients["peggy"].get(f"/casework/referrals/{mine.pk}/").status_code == 200
    assert clients["peggy"].get(f"/casework/referrals/{theirs.pk}/").status_code == 404
    assert clients["peggy"].get(f"/casework/tasks/{mine.task_id}/").status_code == 404
    assert clients["peggy"].get(f"/casework/households/{mine.household_id}/").status_code == 404
    assert clients["bob"].get(f"/casework/referrals/{mine.pk}/").status_code == 404
    other = User.objects.create_user(
        username="quinn", password=PASSWORD, role=Role.SERVICE_PROVIDER, jurisdiction=district["A"]
    )
    quinn = sign_in(other)
    assert quinn.get(f"/casework/referrals/{mine.pk}/").status_code == 404
    assert quinn.post(f"/casework/referrals/{mine.pk}/respond/", {"accept": "1"}).status_code == 404
    assert Referral.objects.get(pk=mine.pk).status == "proposed"
    listed = clients["peggy"].get("/casework/referrals/").context["referrals"]
    assert [r.pk for r, _need in listed] == [mine.pk]
