"""Writes: seeding the defaults, proposing a change (with diff and impact preview), approving
or rejecting it. Every write is audited."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from doudi.audit.actions import audit_record
from doudi.audit.models import AuditEntry
from doudi.parameters import preview
from doudi.parameters.api import params_in_force, value_in_force
from doudi.parameters.models import ParameterChange, ParameterValue
from doudi.parameters.specs import BY_NAME, DEFAULT_FROM, SPECS, WUCHANG
from doudi.parameters.units import catalogue_json, parse_value, to_rules
from doudi.rules import DEFAULT_PROOF_CATALOGUE


def default_value(name: str) -> object:
    spec = BY_NAME[name]
    if spec.kind == "catalogue":
        return catalogue_json(DEFAULT_PROOF_CATALOGUE)
    return spec.default


@transaction.atomic
def parameters_seed(area_code: str = WUCHANG, effective_from: dt.date = DEFAULT_FROM) -> list[str]:
    """Add the POLICY.md default of every parameter the area has no row for (idempotent).
    Returns the names added."""
    have = set(ParameterValue.objects.filter(area_code=area_code).values_list("name", flat=True))
    added = []
    for spec in SPECS:
        if spec.name in have:
            continue
        ParameterValue.objects.create(
            name=spec.name,
            area_code=area_code,
            value=default_value(spec.name),
            effective_from=effective_from,
            source=spec.source,
        )
        added.append(spec.name)
    if added:
        audit_record(
            action="parameters.seed",
            object_type="parameter",
            object_id=area_code,
            detail={"names": added, "effective_from": effective_from.isoformat()},
        )
    return added


def _can_edit(actor) -> bool:
    return bool(actor is not None and getattr(getattr(actor, "can", None), "edits_policy", False))


@dataclasses.dataclass
class Proposal:
    """A checked proposal, not yet saved: what the diff and the impact preview show."""

    name: str
    area_code: str
    old_value: object
    old_version: str
    new_value: object
    effective_from: dt.date
    source: str
    reason: str
    impact: list[dict]

    @property
    def needs_approval(self) -> bool:
        return BY_NAME[self.name].approval


def parameter_change_prepare(
    *, name: str, area_code: str, text: object, effective_from: dt.date, source: str, reason: str
) -> Proposal:
    """Check a proposed value (元 entry, bounds) and compute the impact preview. Raises
    ValidationError with a Chinese message naming the field; nothing is saved."""
    if name not in BY_NAME:
        raise ValidationError(_("Unknown parameter."))
    spec = BY_NAME[name]
    new_value = parse_value(spec, text)
    if not source.strip():
        raise ValidationError(
            _("Source: name the document (number and date) the new value comes from.")
        )
    if not reason.strip():
        raise ValidationError(_("Reason: say why the value changes."))
    current = value_in_force(name, area_code, effective_from)
    old_value = current.value if current else None
    if old_value == new_value:
        raise ValidationError(
            _("%(field)s: the new value is the same as the value in force.") % {"field": spec.label}
        )
    old = params_in_force(area_code, effective_from)
    new = dataclasses.replace(old, **{name: to_rules(spec, new_value)})
    return Proposal(
        name=name,
        area_code=area_code,
        old_value=old_value,
        old_version=current.version if current else "",
        new_value=new_value,
        effective_from=effective_from,
        source=source.strip(),
        reason=reason.strip(),
        impact=preview.run(area_code, old, new),
    )


def parameter_change_submit(*, actor, proposal: Proposal, request=None) -> ParameterChange:
    """Save a prepared proposal. Money parameters wait for approval by another person; the
    others are applied at once. Audited either way."""
    if not _can_edit(actor):
        audit_record(
            actor=actor,
            action="parameters.propose",
            object_type="parameter",
            object_id=proposal.name,
            outcome=AuditEntry.Outcome.DENIED,
            request=request,
        )
        raise PermissionDenied
    with transaction.atomic():
        return _submit(actor, proposal, request)


def _submit(actor, proposal: Proposal, request) -> ParameterChange:
    change = ParameterChange.objects.create(
        name=proposal.name,
        area_code=proposal.area_code,
        old_value=proposal.old_value,
        old_version=proposal.old_version,
        new_value=proposal.new_value,
        effective_from=proposal.effective_from,
        source=proposal.source,
        reason=proposal.reason,
        needs_approval=proposal.needs_approval,
        impact=proposal.impact,
        proposed_by=actor,
    )
    audit_record(
        actor=actor,
        action="parameters.propose",
        object_type="parameter_change",
        object_id=change.pk,
        detail={
            "name": change.name,
            "area_code": change.area_code,
            "old": change.old_value,
            "new": change.new_value,
            "effective_from": change.effective_from.isoformat(),
            "needs_approval": change.needs_approval,
        },
        request=request,
    )
    if not change.needs_approval:
        _apply(change, actor)
    return change


def _apply(change: ParameterChange, actor) -> ParameterValue:
    row = ParameterValue.objects.create(
        name=change.name,
        area_code=change.area_code,
        value=change.new_value,
        effective_from=change.effective_from,
        source=change.source,
        change=change,
        created_by=change.proposed_by,
    )
    change.status = ParameterChange.Status.APPLIED
    change.save(update_fields=["status"])
    return row


def parameter_change_decide(
    *, actor, change_id: int, approve: bool, note: str = "", request=None
) -> ParameterChange:
    """Approve (apply) or reject a pending change. The proposer cannot decide their own change;
    only someone who edits policy can. Two reviewers at once: the row lock lets one decide."""
    change = ParameterChange.objects.get(pk=change_id)
    denied = None
    if not _can_edit(actor):
        denied = "not allowed"
    elif change.proposed_by_id == actor.pk:
        denied = "own change"
    if denied:
        audit_record(
            actor=actor,
            action="parameters.decide",
            object_type="parameter_change",
            object_id=change.pk,
            outcome=AuditEntry.Outcome.DENIED,
            detail={"why": denied},
            request=request,
        )
        if denied == "own change":
            raise ValidationError(_("You proposed this change: another person must approve it."))
        raise PermissionDenied
    if not approve and not note.strip():
        raise ValidationError(_("Say why the change is rejected."))
    with transaction.atomic():
        return _decide(actor, change_id, approve, note, request)


def _decide(actor, change_id: int, approve: bool, note: str, request) -> ParameterChange:
    change = ParameterChange.objects.select_for_update().get(pk=change_id)
    if change.status != ParameterChange.Status.PENDING:
        raise ValidationError(_("This change has already been decided."))
    change.reviewed_by = actor
    change.reviewed_at = timezone.now()
    change.review_note = note.strip()
    if approve:
        change.save(update_fields=["reviewed_by", "reviewed_at", "review_note"])
        _apply(change, actor)
    else:
        change.status = ParameterChange.Status.REJECTED
        change.save(update_fields=["reviewed_by", "reviewed_at", "review_note", "status"])
    audit_record(
        actor=actor,
        action="parameters.approve" if approve else "parameters.reject",
        object_type="parameter_change",
        object_id=change.pk,
        detail={
            "name": change.name,
            "area_code": change.area_code,
            "new": change.new_value,
            "note": change.review_note,
        },
        request=request,
    )
    return change
