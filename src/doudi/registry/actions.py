"""Changes to the register. Each action checks the actor's permission and writes the audit log."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from doudi.audit.actions import audit_record
from doudi.audit.models import AuditEntry
from doudi.engine import idnumber
from doudi.registry.models import Household, Jurisdiction, Membership, Person
from doudi.registry.selectors import id_index_of

# Register relation labels (as the household register writes them) → Membership.Relation.
RELATION_LABELS = {
    "户主": Membership.Relation.HEAD,
    "配偶": Membership.Relation.SPOUSE,
    "子": Membership.Relation.CHILD,
    "女": Membership.Relation.CHILD,
    "子女": Membership.Relation.CHILD,
    "父亲": Membership.Relation.PARENT,
    "母亲": Membership.Relation.PARENT,
    "父母": Membership.Relation.PARENT,
    "孙子": Membership.Relation.GRANDCHILD,
    "孙女": Membership.Relation.GRANDCHILD,
    "孙子女": Membership.Relation.GRANDCHILD,
    "儿媳": Membership.Relation.CHILD_IN_LAW,
    "女婿": Membership.Relation.CHILD_IN_LAW,
    "兄弟姐妹": Membership.Relation.SIBLING,
    "其他": Membership.Relation.OTHER,
}
MIN_REASON_LENGTH = 4


def _read_data_csv(name: str) -> list[dict[str, str]]:
    ref = resources.files("doudi.registry") / "data" / name
    with ref.open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@transaction.atomic
def jurisdictions_load(*, district_code: str = "420106", district_name: str = "武昌区") -> int:
    """Load the district, its streets and communities from the shipped reference data.

    Idempotent: existing codes are updated in place. Returns the number of jurisdictions.
    """
    district, _ = Jurisdiction.objects.update_or_create(
        code=district_code,
        defaults={"name": district_name, "level": Jurisdiction.Level.DISTRICT, "parent": None},
    )
    streets: dict[str, Jurisdiction] = {}
    for row in _read_data_csv("wuchang_streets.csv"):
        # 420106490 is the East Lake scenic-area management unit, not one of the 14 streets.
        if row["areaCode"] != district_code or row["code"].endswith("490"):
            continue
        streets[row["code"]], _ = Jurisdiction.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "level": Jurisdiction.Level.STREET, "parent": district},
        )
    count = 1 + len(streets)
    for row in _read_data_csv("wuchang_communities.csv"):
        street = streets.get(row["street_code"])
        if street is None:
            continue
        Jurisdiction.objects.update_or_create(
            code=row["code"],
            defaults={"name": row["name"], "level": Jurisdiction.Level.COMMUNITY, "parent": street},
        )
        count += 1
    return count


@dataclass
class ImportReport:
    rows: int = 0
    households_created: int = 0
    persons_created: int = 0
    persons_updated: int = 0
    rejected: list[tuple[int, str]] | None = None


REGISTER_COLUMNS = (
    "户号",
    "姓名",
    "公民身份号码",
    "性别",
    "出生日期",
    "与户主关系",
    "住址",
    "社区代码",
)


def register_import(
    *,
    path: Path,
    actor=None,
    as_of: dt.date | None = None,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Load a household-register (户籍) extract (CSV, UTF-8) into the register.

    A row with an invalid ID number or an unknown community is rejected with its line number and
    reason (the intake app quarantines such rows); every other row is created or updated, keyed
    by household number and ID number. The whole file loads in one transaction.
    """
    report = ImportReport(rejected=[])
    communities = {
        j.code: j for j in Jurisdiction.objects.filter(level=Jurisdiction.Level.COMMUNITY)
    }
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in REGISTER_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise ValidationError(f"户籍文件缺少列: {', '.join(missing)}")
        rows = list(reader)
    households: dict[str, Household] = {h.hukou_no: h for h in Household.objects.all()}
    with transaction.atomic():
        new_households = []
        parsed = []
        for line, row in enumerate(rows, start=2):
            report.rows += 1
            try:
                rid = idnumber.parse(row["公民身份号码"])
            except idnumber.InvalidIDNumber as exc:
                report.rejected.append((line, exc.code))
                continue
            community = communities.get(row["社区代码"].strip())
            relation = RELATION_LABELS.get(row["与户主关系"].strip())
            if community is None:
                report.rejected.append((line, "unknown_community"))
                continue
            if relation is None:
                report.rejected.append((line, "unknown_relation"))
                continue
            hukou_no = row["户号"].strip()
            if hukou_no not in households:
                household = Household(
                    hukou_no=hukou_no,
                    community=community,
                    address=row["住址"].strip(),
                    source_as_of=as_of,
                )
                households[hukou_no] = household
                new_households.append(household)
            parsed.append((hukou_no, rid, row, relation))
        Household.objects.bulk_create(new_households, batch_size=2000)
        report.households_created = len(new_households)
        by_hukou = {
            h.hukou_no: h for h in Household.objects.filter(hukou_no__in=[p[0] for p in parsed])
        }
        existing = {
            p.id_index: p
            for p in Person.objects.filter(
                id_index__in=[id_index_of(p[1].number) for p in parsed]
            ).select_related("membership")
        }
        new_persons, new_memberships = [], []
        for n, (hukou_no, rid, row, relation) in enumerate(parsed, start=1):
            index = id_index_of(rid.number)
            person = existing.get(index)
            fields = {
                "name": row["姓名"].strip(),
                "sex": rid.sex,
                "birth_date": rid.birth_date,
                "phone": (row.get("联系电话") or "").strip(),
            }
            if person is None:
                person = Person(
                    id_number=rid.number,
                    id_index=index,
                    id_masked=rid.masked,
                    id_area_unknown="area_code_unknown" in rid.warnings,
                    **fields,
                )
                new_persons.append(person)
                new_memberships.append((person, by_hukou[hukou_no], relation))
            else:
                for key, value in fields.items():
                    setattr(person, key, value)
                person.save(update_fields=[*fields, "updated_at"])
                Membership.objects.update_or_create(
                    person=person,
                    defaults={"household": by_hukou[hukou_no], "relation": relation},
                )
                report.persons_updated += 1
            if progress and n % 1000 == 0:
                progress(n)
        Person.objects.bulk_create(new_persons, batch_size=2000)
        Membership.objects.bulk_create(
            [Membership(person=p, household=h, relation=r) for p, h, r in new_memberships],
            batch_size=2000,
        )
        report.persons_created = len(new_persons)
        audit_record(
            actor=actor,
            action="registry.import",
            object_type="feed",
            object_id="gongan_hukou",
            detail={
                "file": Path(path).name,
                "rows": report.rows,
                "households_created": report.households_created,
                "persons_created": report.persons_created,
                "persons_updated": report.persons_updated,
                "rejected": len(report.rejected),
            },
        )
    return report


def _reveal(*, actor, person: Person, reason: str, action: str, what: str, request=None) -> None:
    """Check and audit one reveal of a person's full ID number or phone (with a reason)."""
    reason = (reason or "").strip()
    if not actor.can.reveals_ids:
        audit_record(
            actor=actor,
            action=action,
            object_type="person",
            object_id=person.pk,
            outcome=AuditEntry.Outcome.DENIED,
            request=request,
        )
        raise PermissionDenied(f"role may not reveal {what}")
    if len(reason) < MIN_REASON_LENGTH:
        label = "身份证号码" if what == "ID numbers" else "电话号码"
        raise ValidationError(f"请填写查看完整{label}的理由（至少4个字）")
    audit_record(
        actor=actor,
        action=action,
        object_type="person",
        object_id=person.pk,
        detail={"reason": reason[:500]},
        request=request,
    )


def person_reveal_id(*, actor, person: Person, reason: str, request=None) -> str:
    """Return a person's full ID number to a permitted user who gives a reason; audit it.

    The caller must have loaded ``person`` through the access layer.
    """
    _reveal(
        actor=actor,
        person=person,
        reason=reason,
        action="person.reveal_id",
        what="ID numbers",
        request=request,
    )
    return person.id_number


def person_reveal_phone(*, actor, person: Person, reason: str, request=None) -> str:
    """Return a person's full phone number to a permitted user who gives a reason (one tap
    on a work-queue row); audit it. The caller loads ``person`` through the access layer."""
    _reveal(
        actor=actor,
        person=person,
        reason=reason,
        action="person.reveal_phone",
        what="phone numbers",
        request=request,
    )
    return person.phone


@transaction.atomic
def household_update_address(*, actor, household: Household, address: str, request=None) -> bool:
    """Correct a household's address. Returns False when nothing changed."""
    if not actor.can.edits_registry:
        raise PermissionDenied("role may not change the register")
    address = (address or "").strip()
    if not address or len(address) > 255:
        raise ValidationError("地址不能为空，且不超过255个字符")
    before = household.address
    if before == address:
        return False
    household.address = address
    household.save(update_fields=["address", "updated_at"])
    audit_record(
        actor=actor,
        action="household.update",
        object_type="household",
        object_id=household.pk,
        detail={"field": "address", "before": before, "after": address},
        request=request,
    )
    return True


def persons_reindex(*, batch_size: int = 1000, after_batch: Callable[[int], None] | None = None):
    """Recompute every person's ID-number look-up index under the newest field key (after a key
    rotation); returns how many changed. Resumable: an index already right is left alone."""
    changed, last = 0, 0
    while True:
        with transaction.atomic():
            batch = list(
                Person.objects.filter(pk__gt=last)
                .exclude(id_number="")
                .order_by("pk")
                .only("pk", "id_number", "id_index")[:batch_size]
            )
            for person in batch:
                index = id_index_of(person.id_number)
                if person.id_index != index:
                    Person.objects.filter(pk=person.pk).update(id_index=index)
                    changed += 1
        if not batch:
            return changed
        last = batch[-1].pk
        if after_batch is not None:
            after_batch(last)


def reveal_check(
    *, actor, reason: str, action: str, object_type: str, object_id, purpose: str = "", request=None
) -> str:
    """The reveal rules for an ID number held outside a person (a quarantined row's cells): a
    role that may reveal, and a reason; audited like every reveal. Returns the reason recorded.
    The caller loaded the object through its access layer.

    Keep in step with ``_reveal``: when the reason rules change there (a purpose from a list),
    change them here too — ``purpose`` is accepted for that."""
    reason = (reason or "").strip()
    if not actor.can.reveals_ids:
        audit_record(
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            outcome=AuditEntry.Outcome.DENIED,
            request=request,
        )
        raise PermissionDenied("role may not reveal ID numbers")
    if len(reason) < 4:
        raise ValidationError("请填写查看完整身份证号码的理由（至少4个字）")
    audit_record(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail={"reason": reason[:500]},
        request=request,
    )
    return reason
