"""Changes to the register. Each action checks the actor's permission and writes the audit log."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from doudi.audit.actions import audit_record
from doudi.audit.models import AuditEntry
from doudi.engine import idnumber
from doudi.privacy.reasons import reveal_reason
from doudi.registry.models import (
    UNASSIGNED_COMMUNITY_SUFFIX,
    UNASSIGNED_STREET_SUFFIX,
    Household,
    Jurisdiction,
    Membership,
    Person,
)
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


def community_codes_load(*, path: Path, actor=None) -> tuple[int, int, list[tuple[int, str]]]:
    """Map codes from a CSV file ``code,community_code``: returns (codes mapped, households
    moved, [(line, problem)]). Good rows are kept whatever the bad ones."""
    mapped = moved = 0
    problems: list[tuple[int, str]] = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"code", "community_code"} - set(reader.fieldnames or [])
        if missing:
            raise ValidationError(
                f"{Path(path).name} lacks the column(s) {', '.join(sorted(missing))}: the file "
                "needs a header line code,community_code"
            )
        for line, row in enumerate(reader, start=2):
            target = Jurisdiction.objects.filter(
                code=(row.get("community_code") or "").strip(),
                level=Jurisdiction.Level.COMMUNITY,
            ).first()
            if target is None:
                problems.append((line, "community_code is not a community of the register"))
                continue
            try:
                moved += community_code_map(
                    actor=actor, code=row.get("code") or "", community=target
                )
            except (ValidationError, PermissionDenied) as exc:
                problems.append((line, exc.messages[0] if hasattr(exc, "messages") else str(exc)))
                continue
            mapped += 1
    return mapped, moved, problems


REGISTER_FEED = "gongan_hukou"
PERSON_FIELDS = [
    "name",
    "sex",
    "birth_date",
    "phone",
    "id_area_unknown",
    "removed_on",
    "updated_at",
]
# the fields that make two rows of one ID number "the same row" (exact duplicates collapse)
_SAME_ROW = ("hukou_no", "name", "relation", "address", "community_code", "phone")


def unassigned_community(*, district: Jurisdiction | None = None) -> Jurisdiction:
    """The holding community for households whose community code the reference table does not
    know: inside the district (its bureau sees them), mapped later to a real community."""
    district = district or Jurisdiction.objects.filter(level=Jurisdiction.Level.DISTRICT).first()
    if district is None:
        jurisdictions_load()
        district = Jurisdiction.objects.get(level=Jurisdiction.Level.DISTRICT)
    street, _ = Jurisdiction.objects.get_or_create(
        code=district.code + UNASSIGNED_STREET_SUFFIX,
        defaults={
            "name": "未分配街道（代码待映射）",
            "level": Jurisdiction.Level.STREET,
            "parent": district,
        },
    )
    community, _ = Jurisdiction.objects.get_or_create(
        code=district.code + UNASSIGNED_COMMUNITY_SUFFIX,
        defaults={
            "name": "未分配社区（代码待映射）",
            "level": Jurisdiction.Level.COMMUNITY,
            "parent": street,
        },
    )
    return community


def is_unassigned(community: Jurisdiction) -> bool:
    return community.code.endswith(UNASSIGNED_COMMUNITY_SUFFIX) and len(community.code) == 12


@dataclass
class SyncReport:
    """What one build of the register from the household-register feed did."""

    rows: int = 0
    households: int = 0
    households_created: int = 0
    households_removed: int = 0
    persons_created: int = 0
    persons_updated: int = 0
    persons_moved: int = 0
    persons_removed: int = 0
    duplicates_collapsed: int = 0
    duplicates_superseded: int = 0
    unassigned_households: int = 0
    unknown_codes: dict[str, int] = field(default_factory=dict)
    rejected: list[tuple[int | None, str, str]] = field(default_factory=list)
    rejects_file: str = ""

    def as_dict(self) -> dict:
        return {
            "rows": self.rows,
            "households": self.households,
            "households_created": self.households_created,
            "households_removed": self.households_removed,
            "persons_created": self.persons_created,
            "persons_updated": self.persons_updated,
            "persons_moved": self.persons_moved,
            "persons_removed": self.persons_removed,
            "duplicates_collapsed": self.duplicates_collapsed,
            "duplicates_superseded": self.duplicates_superseded,
            "unassigned_households": self.unassigned_households,
            "unknown_codes": dict(sorted(self.unknown_codes.items())),
            "rejected": len(self.rejected),
            "rejects_file": self.rejects_file,
        }

    def line(self) -> str:
        return register_report_line(self.as_dict())


def register_report_line(r: dict) -> str:
    """One line for the command line and run report from :meth:`SyncReport.as_dict`."""
    text = (
        f"register: {r['households']} households from {r['rows']} rows "
        f"({r['households_created']} new, {r['households_removed']} no longer listed); "
        f"people {r['persons_created']} new, {r['persons_updated']} updated, "
        f"{r['persons_moved']} moved, {r['persons_removed']} no longer listed; "
        f"duplicate ID rows: {r['duplicates_collapsed']} identical collapsed, "
        f"{r['duplicates_superseded']} superseded by a later row; "
        f"{r['rejected']} rejected"
    )
    if r["rejects_file"]:
        text += f" (listed in {r['rejects_file']})"
    if r["unassigned_households"]:
        text += (
            f"; {r['unassigned_households']} households in the unassigned community "
            f"(unknown codes: {', '.join(r['unknown_codes'])}) — map them with "
            "`doudi register map-codes FILE` or on the community codes page"
        )
    return text


def _register_rows(files: list[Path]) -> list[dict]:
    """The rows of the current register delivery (and its corrections), in delivery order."""
    import duckdb

    con = duckdb.connect()
    try:
        parts = " UNION ALL BY NAME ".join(
            f"SELECT {i} AS _file, * FROM read_parquet('{str(p).replace(chr(39), chr(39) * 2)}')"
            for i, p in enumerate(files)
        )
        cur = con.execute(f"SELECT * FROM ({parts}) ORDER BY _file, _line")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        con.close()


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _write_rejects(report: SyncReport, folder: Path) -> str:
    """The rejected rows (line, register person number, reason; no ID number) as a CSV file."""
    from django.utils import timezone

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"register-rejects-{timezone.now():%Y%m%dT%H%M%S%f}.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["line", "person_no", "reason"])
        for line, person_no, reason in report.rejected:
            writer.writerow(["" if line is None else line, person_no, reason])
    return str(path)


def register_sync(
    *,
    files: list[Path],
    actor=None,
    as_of: dt.date | None = None,
    rejects_dir: Path | None = None,
) -> SyncReport:
    """Build the register from the household-register feed (``gongan_hukou``) as the lake holds
    it: ``files`` are the current snapshot and its corrections, in delivery order.

    Every delivery updates it: new people and households are created, moves change a person's
    household, people and households the delivery no longer lists are marked ``removed_on``
    (deaths, cancellations). Rows of one ID number: identical rows collapse into one, otherwise
    the latest row (latest delivery, then latest line) wins; both are counted. A row without a
    valid ID number is rejected and listed (line, person number, reason) in a CSV file. An
    unknown community code never drops a household: it goes to the district's unassigned
    community until the code is mapped (:func:`community_code_map`).
    """
    from django.conf import settings
    from django.utils import timezone

    report = SyncReport()
    today = timezone.localdate()
    if not Jurisdiction.objects.filter(level=Jurisdiction.Level.DISTRICT).exists():
        jurisdictions_load()
    communities = _Communities(report)

    # 1. read and resolve duplicates: one row per ID number, the latest wins
    by_id = _latest_rows(files, report)
    # 2. households: the head's row gives the community and address, else the first member's
    household_rows = _household_rows(by_id)
    report.households = len(household_rows)

    with transaction.atomic():
        by_hukou = _sync_households(household_rows, communities, as_of, today, report)
        # 3. people and their place in a household
        _sync_people(by_id, by_hukou, today, report)
        if report.rejected:
            folder = rejects_dir or Path(settings.DOUDI_RESULTS_DIR) / "register"
            report.rejects_file = _write_rejects(report, folder)
        audit_record(
            actor=actor,
            action="registry.import",
            object_type="feed",
            object_id=REGISTER_FEED,
            detail={k: v for k, v in report.as_dict().items() if k != "unknown_codes"}
            | {"unknown_codes": len(report.unknown_codes)},
        )
    return report


class _Communities:
    """A register community code's community: known, mapped, or else the unassigned one
    (created when first needed; each unknown code is counted in the report)."""

    def __init__(self, report: SyncReport):
        from doudi.registry.models import CommunityCodeMap

        self.report = report
        self.known = {
            j.code: j for j in Jurisdiction.objects.filter(level=Jurisdiction.Level.COMMUNITY)
        }
        self.mapped = {
            m.code: m.community for m in CommunityCodeMap.objects.select_related("community")
        }
        self.holding: Jurisdiction | None = None

    def of(self, code: str) -> Jurisdiction:
        found = self.known.get(code) or self.mapped.get(code)
        if found is not None:
            return found
        if self.holding is None:
            self.holding = unassigned_community()
        unknown = self.report.unknown_codes
        unknown[code or "(blank)"] = unknown.get(code or "(blank)", 0) + 1
        return self.holding


def _latest_rows(
    files: list[Path], report: SyncReport
) -> dict[str, tuple[dict, idnumber.ResidentID]]:
    """One row per valid ID number, the latest winning; rejected and superseded rows reported."""
    by_id: dict[str, tuple[dict, idnumber.ResidentID]] = {}
    for row in _register_rows(files):
        report.rows += 1
        line = row.get("_line")
        raw_id = _text(row.get("id_number")) or _text(row.get("id_number_raw"))
        try:
            rid = idnumber.parse(raw_id)
        except idnumber.InvalidIDNumber as exc:
            report.rejected.append((line, _text(row.get("person_no")), f"id_{exc.code}"))
            continue
        if not _text(row.get("hukou_no")):
            report.rejected.append((line, _text(row.get("person_no")), "missing_hukou_no"))
            continue
        earlier = by_id.get(rid.number)
        if earlier is not None:
            if all(_text(earlier[0].get(k)) == _text(row.get(k)) for k in _SAME_ROW):
                report.duplicates_collapsed += 1
            else:
                report.duplicates_superseded += 1
                report.rejected.append(
                    (
                        earlier[0].get("_line"),
                        _text(earlier[0].get("person_no")),
                        f"duplicate_id_superseded_by_line_{line}",
                    )
                )
        by_id[rid.number] = (row, rid)
    return by_id


def _household_rows(
    by_id: dict[str, tuple[dict, idnumber.ResidentID]],
) -> dict[str, dict]:
    """Per register household number, the row that describes it: the head's, else the first."""
    household_rows: dict[str, dict] = {}
    for row, _rid in by_id.values():
        hukou_no = _text(row["hukou_no"])
        if hukou_no not in household_rows or _text(row.get("relation")) == "户主":
            household_rows[hukou_no] = row
    return household_rows


def _sync_households(
    household_rows: dict[str, dict],
    communities: _Communities,
    as_of: dt.date | None,
    today: dt.date,
    report: SyncReport,
) -> dict[str, Household]:
    """Create, update and mark removed the households; the listed ones by register number."""
    existing_households = {h.hukou_no: h for h in Household.objects.all()}
    new_households, changed_households = [], []
    for hukou_no, row in household_rows.items():
        code = _text(row.get("community_code"))
        community = communities.of(code)
        address = _text(row.get("address"))[:255]
        household = existing_households.get(hukou_no)
        if household is None:
            household = Household(
                hukou_no=hukou_no,
                community=community,
                address=address,
                source_as_of=as_of,
                registered_community_code=code,
            )
            new_households.append(household)
            existing_households[hukou_no] = household
        elif (
            household.community_id != community.pk
            or household.address != address
            or household.registered_community_code != code
            or household.removed_on is not None
            or household.source_as_of != as_of
        ):
            household.community, household.address = community, address
            household.registered_community_code, household.removed_on = code, None
            household.source_as_of = as_of
            changed_households.append(household)
    Household.objects.bulk_create(new_households, batch_size=2000)
    Household.objects.bulk_update(
        changed_households,
        ["community", "address", "registered_community_code", "removed_on", "source_as_of"],
        batch_size=2000,
    )
    report.households_created = len(new_households)
    if communities.holding is not None:
        report.unassigned_households = sum(
            1
            for h in existing_households.values()
            if h.hukou_no in household_rows and h.community_id == communities.holding.pk
        )
    gone = [
        h.pk
        for h in existing_households.values()
        if h.hukou_no not in household_rows
        and h.removed_on is None
        and h.source_feed == REGISTER_FEED
    ]
    report.households_removed = Household.objects.filter(pk__in=gone).update(removed_on=today)
    return {h.hukou_no: h for h in Household.objects.filter(hukou_no__in=household_rows)}


def _sync_people(
    by_id: dict[str, tuple[dict, idnumber.ResidentID]],
    by_hukou: dict[str, Household],
    today: dt.date,
    report: SyncReport,
) -> None:
    """Create and update the people and their memberships; mark removed those no longer listed."""
    from django.utils import timezone

    people = {
        p.id_index: p for p in Person.objects.filter(id_index__isnull=False).defer("id_number")
    }
    places = {
        m.person_id: m
        for m in Membership.objects.all().only("id", "person_id", "household_id", "relation")
    }
    seen: set[str] = set()
    new_persons, changed_persons, moved, relabelled = [], [], [], []
    new_places = []
    for number, (row, rid) in by_id.items():
        index = id_index_of(number)
        seen.add(index)
        household = by_hukou[_text(row["hukou_no"])]
        relation = RELATION_LABELS.get(_text(row.get("relation")), Membership.Relation.OTHER)
        fields = {
            "name": _text(row.get("name"))[:64],
            "sex": rid.sex,
            "birth_date": rid.birth_date,
            "phone": _text(row.get("phone"))[:32],
            "id_area_unknown": "area_code_unknown" in rid.warnings,
            "removed_on": None,
        }
        person = people.get(index)
        if person is None:
            person = Person(id_number=rid.number, id_index=index, id_masked=rid.masked, **fields)
            new_persons.append(person)
            new_places.append((person, household, relation))
            continue
        if any(getattr(person, k) != v for k, v in fields.items()):
            for k, v in fields.items():
                setattr(person, k, v)
            person.updated_at = timezone.now()
            changed_persons.append(person)
        place = places.get(person.pk)
        if place is None:
            new_places.append((person, household, relation))
        elif place.household_id != household.pk:
            place.household_id, place.relation = household.pk, relation
            moved.append(place)
        elif place.relation != relation:
            place.relation = relation
            relabelled.append(place)
    Person.objects.bulk_create(new_persons, batch_size=2000)
    Person.objects.bulk_update(changed_persons, PERSON_FIELDS, batch_size=2000)
    Membership.objects.bulk_update(moved + relabelled, ["household", "relation"], batch_size=2000)
    Membership.objects.bulk_create(
        [Membership(person=p, household=h, relation=r) for p, h, r in new_places],
        batch_size=2000,
    )
    report.persons_created = len(new_persons)
    report.persons_updated = len(changed_persons)
    report.persons_moved = len(moved)
    gone_people = [
        p.pk for index, p in people.items() if index not in seen and p.removed_on is None
    ]
    report.persons_removed = Person.objects.filter(pk__in=gone_people).update(removed_on=today)


def _reference_codes() -> set[str]:
    return set(
        Jurisdiction.objects.filter(level=Jurisdiction.Level.COMMUNITY).values_list(
            "code", flat=True
        )
    )


@transaction.atomic
def community_code_map(*, actor, code: str, community: Jurisdiction, request=None) -> int:
    """Map an unknown community code to a community; its households move there now and in every
    later delivery. Returns the number of households moved."""
    from doudi.registry.models import CommunityCodeMap

    code = (code or "").strip()
    if actor is not None and not (
        actor.can.edits_registry
        and actor.jurisdiction is not None
        and actor.jurisdiction.level == Jurisdiction.Level.DISTRICT
    ):
        audit_record(
            actor=actor,
            action="registry.map_code",
            object_type="community_code",
            object_id=code[:64],
            outcome=AuditEntry.Outcome.DENIED,
            request=request,
        )
        raise PermissionDenied("only the district bureau maps community codes")
    if not code:
        raise ValidationError("请填写社区代码")
    if community.level != Jurisdiction.Level.COMMUNITY or is_unassigned(community):
        raise ValidationError("请选择一个社区")
    if code == community.code or code in _reference_codes():
        raise ValidationError(f"社区代码{code}已在区划参考表中，无需映射")
    if actor is not None and not actor.jurisdiction.contains(community):
        raise PermissionDenied("community outside your jurisdiction")
    CommunityCodeMap.objects.update_or_create(code=code, defaults={"community": community})
    moved = Household.objects.filter(registered_community_code=code).exclude(community=community)
    count = moved.update(community=community)
    audit_record(
        actor=actor,
        action="registry.map_code",
        object_type="community_code",
        object_id=code[:64],
        detail={"community": community.code, "households_moved": count},
        request=request,
    )
    return count


def _reveal(
    *,
    actor,
    person: Person | None,
    reason: str,
    purpose: str,
    action: str,
    request=None,
    object_type: str = "person",
    object_id=None,
) -> None:
    """Check and audit one reveal of a full ID number or phone: a permitted role, and a purpose
    from the list (with a real reason for 其他) — doudi.privacy.reasons.

    Other holders of ID numbers (a quarantined row) pass ``person=None`` with their own
    ``object_type``/``object_id``: every reveal follows the same rules and is audited alike."""
    object_id = person.pk if person is not None else object_id
    if not actor.can.reveals_ids:
        audit_record(
            actor=actor,
            action=action,
            object_type=object_type,
            object_id=object_id,
            outcome=AuditEntry.Outcome.DENIED,
            request=request,
        )
        raise PermissionDenied("role may not reveal personal numbers")
    recorded = reveal_reason(purpose, reason)
    audit_record(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail={"reason": recorded},
        request=request,
    )


def reveal_check(
    *, actor, reason: str, action: str, object_type: str, object_id, purpose: str = "", request=None
):
    """The reveal rules (role, purpose) and audit entry for an ID number held outside a person
    (a quarantined row's cells); the caller loaded the object through its access layer."""
    _reveal(
        actor=actor,
        person=None,
        reason=reason,
        purpose=purpose,
        action=action,
        request=request,
        object_type=object_type,
        object_id=object_id,
    )


def person_reveal_id(
    *, actor, person: Person, reason: str = "", purpose: str = "", request=None
) -> str:
    """Return a person's full ID number to a permitted user who gives a purpose; audit it.

    The caller must have loaded ``person`` through the access layer.
    """
    _reveal(
        actor=actor,
        person=person,
        reason=reason,
        purpose=purpose,
        action="person.reveal_id",
        request=request,
    )
    return person.id_number


def person_reveal_phone(
    *, actor, person: Person, reason: str = "", purpose: str = "", request=None
) -> str:
    """Return a person's full phone number to a permitted user who gives a purpose (one tap
    on a work-queue row); audit it. The caller loads ``person`` through the access layer."""
    _reveal(
        actor=actor,
        person=person,
        reason=reason,
        purpose=purpose,
        action="person.reveal_phone",
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
