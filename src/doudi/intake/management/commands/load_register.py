"""``doudi load_register FILE``: an alias of ``doudi ingest --feed gongan_hukou FILE``.

The register is built from the ingested household-register feed; there is no second reader.
"""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Alias of `doudi ingest --feed gongan_hukou FILE` (the register is built from the feed)."

    def add_arguments(self, parser):
        parser.add_argument("path")

    def handle(self, *args, path: str, **options):
        call_command(
            "ingest", path, feed="gongan_hukou", stdout=self.stdout._out, stderr=self.stderr._out
        )
