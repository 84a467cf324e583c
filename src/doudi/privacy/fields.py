"""Model fields that keep their value encrypted in the database."""

from __future__ import annotations

from django.db import models

from doudi.privacy import crypto


class EncryptedTextField(models.TextField):
    """Text stored as a Fernet token; Python code sees the plaintext.

    Not searchable by value: pair it with a blind-index column for exact look-up.
    """

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return crypto.decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return crypto.encrypt(value)
