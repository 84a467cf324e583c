from django.core.management.base import BaseCommand, CommandError

from doudi.audit.actions import audit_verify


class Command(BaseCommand):
    help = "Audit log tools. `doudi audit verify` checks the hash chain."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("verify", help="check the audit log's hash chain")

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "verify":
            result = audit_verify()
            if not result.ok:
                raise CommandError(result.describe())
            self.stdout.write(result.describe())
