import json

from django.core.management.base import BaseCommand, CommandError

from doudi.audit.actions import AnchorFileError, audit_anchor, audit_verify


class Command(BaseCommand):
    help = (
        "Audit log tools. `doudi audit verify` checks the keyed hash chain and the anchors; "
        "`doudi audit anchor` records the chain head outside the database."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="check the audit log's keyed chain and anchors")
        verify.add_argument(
            "--anchors", default=None, help="anchors file (default: DOUDI_AUDIT_ANCHOR_FILE)"
        )
        anchor = sub.add_parser("anchor", help="append the chain head to the anchors file")
        anchor.add_argument(
            "--out", default=None, help="anchors file (default: DOUDI_AUDIT_ANCHOR_FILE)"
        )
        anchor.add_argument(
            "--print",
            action="store_true",
            dest="print_only",
            help="only print the head (for a paper or remote record); write no file",
        )

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "verify":
            try:
                result = audit_verify(options.get("anchors"))
            except AnchorFileError as exc:
                raise CommandError(str(exc)) from None
            if not result.ok:
                raise CommandError(result.describe())
            self.stdout.write(result.describe())
        elif subcommand == "anchor":
            anchor = audit_anchor(options.get("out"), write=not options.get("print_only"))
            self.stdout.write(json.dumps(anchor, sort_keys=True))
