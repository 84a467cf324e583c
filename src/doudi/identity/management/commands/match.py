"""``doudi match --name … --id … [--json]``: match one record against the current run's persons."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from doudi.identity.matching import NoLinkRun, person_match_as_operator

OPTIONS = {  # option → record field
    "name": "name",
    "id": "id_number",
    "birth_date": "birth_date",
    "sex": "sex",
    "phone": "phone",
    "address": "address",
    "community": "community",
}


def _labels() -> dict[str, str]:
    return {
        "name": _("name"),
        "birth_date": _("date of birth"),
        "sex": _("sex"),
        "id_number": _("ID number"),
        "phone": _("phone"),
        "place": _("address / community"),
    }


def _basis(basis: str) -> str:
    return {
        "id": _("resident ID"),
        "profile": _("identical record"),
        "model": _("probabilistic model"),
    }[basis]


def _refused(reason: str) -> str:
    return {
        "different_ids": _("holds a different resident ID"),
        "id_conflict": _("ID conflict: name, sex or birth date disagree"),
    }[reason]


def render(result: dict) -> str:
    """The result as plain text, one candidate a line."""
    lines = []
    if result["person_key"] is not None:
        lines.append(
            _("Matched: person %(key)s (basis: %(basis)s, probability %(p).3f)")
            % {
                "key": result["person_key"],
                "basis": _basis(result["basis"]),
                "p": result["match_probability"],
            }
        )
    else:
        lines.append(_("No match: a new person (threshold %(t).2f)") % {"t": result["threshold"]})
    lines.append(
        _("Link run %(run)s; candidates: %(n)s")
        % {"run": result["run"], "n": len(result["candidates"])}
    )
    labels = _labels()
    for c in result["candidates"]:
        weights = "  ".join(
            f"{labels.get(k, k)} {'—' if v is None else f'{v:+.1f}'}"
            for k, v in c["weights"].items()
        )
        line = _("  person %(key)s  probability %(p).3f  |  %(weights)s") % {
            "key": c["person_key"],
            "p": c["match_probability"],
            "weights": weights,
        }
        if c["refused"]:
            line += "  [" + _("refused: %(reason)s") % {"reason": _refused(c["refused"])} + "]"
        lines.append(line)
    return "\n".join(lines)


class Command(BaseCommand):
    help = "Match one record (an application, a newborn) against the persons of the current run."

    def add_arguments(self, parser):
        parser.add_argument("--name")
        parser.add_argument("--id", help="resident ID as written (18 or 15 digits)")
        parser.add_argument("--birth-date", help="YYYY-MM-DD")
        parser.add_argument("--sex", help="男 / 女 / M / F")
        parser.add_argument("--phone")
        parser.add_argument("--address")
        parser.add_argument("--community", help="community code as in the feeds")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args, **options):
        record = {field: options[opt] for opt, field in OPTIONS.items() if options.get(opt)}
        if not record:
            raise CommandError(
                "give at least one of --name --id --birth-date --sex --phone --address --community"
            )
        try:
            result = person_match_as_operator(record=record)
        except (NoLinkRun, ValueError) as exc:
            raise CommandError(str(exc)) from None
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
        else:
            self.stdout.write(render(result))
