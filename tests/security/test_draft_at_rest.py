"""A submitted application keeps no typed ID number or bank account in clear: the declaration
draft (a plain JSON column, kept whole while the form is being filled in) is emptied when the
declaration is recorded (members' ID numbers and the account are encrypted)."""

from __future__ import annotations

import pytest
from django.db import connection

from doudi.assistance.models import Application
from tests.assistance.conftest import declaration_data, signed_application

pytestmark = pytest.mark.django_db


def test_submitting_clears_the_clear_text_draft(cast, households):
    household = households["A1"]
    head = household.members.get(relation="head").person
    typed = declaration_data(household)
    application = signed_application(cast["alice"], household, head)
    application.refresh_from_db()
    assert application.status == Application.Status.SIGNED
    assert application.draft == {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT draft, bank_account FROM assistance_application WHERE id = %s",
            [application.pk],
        )
        draft, account = cursor.fetchone()
    assert head.id_number not in draft and typed["bank_account"] not in draft
    assert typed["bank_account"] not in account  # encrypted
    assert application.members.get(person=head).id_number == head.id_number
