"""Every change to an application, its verification, decision, benefits, payments and pushes.

Each action checks the actor (a refusal is audited and changes nothing), works in one
transaction and leaves an audit entry. Amounts typed by people are in 元; stored in fen.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from doudi.assistance import policy, sources
from doudi.assistance.access import (
    applications_for,
    decides,
    resident_of,
    works_applications,
)
from doudi.assistance.models import (
    Application,
    ApplicationEvent,
    AssetItem,
    Attachment,
    Authorization,
    Commitment,
    CreditRecord,
    Decision,
    Entitlement,
    EntitlementChange,
    IncomeItem,
    Member,
    Objection,
    Payment,
    PaymentBatch,
    Programme,
    Push,
    VerificationReport,
)
from doudi.audit.actions import audit_record
from doudi.audit.models import AuditEntry
from doudi.engine import idnumber
from doudi.monitoring.selectors import today
from doudi.registry.access import households_for
from doudi.registry.models import Household, Membership, Person
from doudi.registry.selectors import id_index_of
from doudi.workdays.selectors import CalendarMissing, add_working_days

NOTICE_VERSION = "承诺告知书 2026-1"
# The programmes whose whole workflow (amount, decision, payment) is built here so far.
ONLINE_PROGRAMMES = ("dibao",)
MAX_MEMBERS = 6
ADULT_AGE = 18
NOTICE_DAYS = 7  # public notice of the first opinion (POLICY.md §1.9)
DECISION_WORKING_DAYS = 30  # overall limit from acceptance (POLICY.md §1.9)
INCOME_FIELDS = {
    "income_wage": ("wage", "工资性收入（元/月）"),
    "income_business": ("business", "经营净收入（元/月）"),
    "income_property": ("property", "财产净收入（元/月）"),
    "income_transfer": ("transfer", "转移净收入（元/月）"),
}
ASSET_FIELDS = {
    "asset_deposit": ("deposit", "存款（元）"),
    "asset_vehicle": ("vehicle", "机动车价值（元）"),
    "asset_real_estate": ("real_estate", "房产价值（元）"),
    "asset_business": ("business", "经营实体出资（元）"),
    "asset_securities": ("securities", "证券、基金（元）"),
}
ASSET_LABELS = {
    "deposit": "存款",
    "vehicle": "机动车",
    "real_estate": "房产",
    "business": "经营实体",
    "securities": "证券、基金",
}
INCOME_LABELS = {
    "wage": "工资性收入",
    "business": "经营净收入",
    "property": "财产净收入",
    "transfer": "转移净收入",
}
MAX_MONTHLY_INCOME_YUAN = Decimal(1_000_000)
MAX_ASSET_YUAN = Decimal(100_000_000)
RELATIONS = {
    "self": "本人",
    "spouse": "配偶",
    "child": "子女",
    "parent": "父母",
    "grandchild": "孙子女",
    "other": "其他",
}


class DeclarationInvalid(ValidationError):
    """The declaration has mistakes: ``errors`` maps a field to its Chinese message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = errors
        super().__init__(list(errors.values()))


class VerificationRefused(PermissionDenied):
    pass


class AlreadyDecided(ValidationError):
    pass


def _now():
    return timezone.now()


def _event(application: Application, kind: str, actor=None, **detail) -> None:
    ApplicationEvent.objects.create(application=application, kind=kind, actor=actor, detail=detail)


def _denied(actor, action: str, object_type: str, object_id="", request=None, **detail):
    audit_record(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        outcome=AuditEntry.Outcome.DENIED,
        request=request,
        detail=detail or None,
    )


def _age(birth: dt.date, on: dt.date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def yuan_to_fen(text: str, *, label: str, maximum: Decimal) -> int:
    """A typed 元 amount as fen; ValidationError with a Chinese message naming the field."""
    raw = (text or "").strip().replace(",", "").replace("，", "")
    if raw == "":
        return 0
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValidationError(f"{label}：请填写数字金额（单位：元），例如 1200.50") from None
    if not value.is_finite():
        raise ValidationError(f"{label}：请填写数字金额（单位：元）")
    if value < 0:
        raise ValidationError(f"{label}：金额不能为负数，请填写 0 或正数")
    if value > maximum:
        raise ValidationError(f"{label}：金额 {value} 元不合理，请核对（单位是元，不是分）")
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError(f"{label}：金额最多两位小数")
    return int((value * 100).to_integral_value(rounding=ROUND_HALF_UP))


# --- starting and the declaration --------------------------------------------------------------


def application_start(
    *, actor, programme: str, household: Household, applicant: Person, request=None
) -> Application:
    """A new draft: by a resident for their own household, or by an officer on their behalf."""
    resident = resident_of(actor)
    if resident is not None:
        channel = Application.Channel.RESIDENT
        allowed = (
            resident.person_id == applicant.pk
            and Membership.objects.filter(person=applicant, household=household).exists()
        )
    else:
        channel = Application.Channel.OFFICER
        allowed = (
            works_applications(actor)
            and households_for(actor).filter(pk=household.pk).exists()
            and Membership.objects.filter(person=applicant, household=household).exists()
        )
    if not allowed:
        _denied(actor, "assistance.application_start", "household", household.pk, request)
        raise PermissionDenied("not your household")
    if programme not in Programme.values:
        raise ValidationError("救助项目：请从列表中选择")
    if programme not in ONLINE_PROGRAMMES:
        raise ValidationError(
            f"救助项目：{Programme(programme).label}暂不能在线办理，请到社区服务窗口申请"
        )
    with transaction.atomic():
        application = Application.objects.create(
            programme=programme,
            household=household,
            community=household.community,
            applicant=applicant,
            channel=channel,
            created_by=actor,
            draft=_prefill(household, applicant),
        )
        _event(application, "started", actor, channel=channel)
        audit_record(
            actor=actor,
            action="assistance.application_start",
            object_type="application",
            object_id=application.pk,
            request=request,
            detail={"programme": programme, "household": household.pk, "channel": channel},
        )
    return application


def _prefill(household: Household, applicant: Person) -> dict:
    """The members the hukou lists (names and relations only: ID numbers are typed)."""
    data: dict[str, str] = {}
    rows = [applicant] + [
        m.person
        for m in Membership.objects.filter(household=household)
        .exclude(person=applicant)
        .select_related("person")
        .order_by("id")
    ]
    for i, person in enumerate(rows[:MAX_MEMBERS]):
        data[f"m{i}_name"] = person.name
        data[f"m{i}_relation"] = "self" if i == 0 else ""
    return data


def _check_owner(actor, application: Application, action: str, request=None) -> None:
    """Only the resident who owns it or staff working applications in scope may change it."""
    if not applications_for(actor).filter(pk=application.pk).exists() or not (
        works_applications(actor) or resident_of(actor) is not None
    ):
        _denied(actor, action, "application", application.pk, request)
        raise PermissionDenied("not your application")


def draft_save(*, actor, application: Application, data: dict, request=None) -> Application:
    """Keep whatever was typed (strings only), whatever its mistakes."""
    _check_owner(actor, application, "assistance.draft_save", request)
    if application.status != Application.Status.DRAFT:
        raise ValidationError("申请已提交，不能再修改草稿")
    clean = {
        str(k)[:40]: str(v)[:200]
        for k, v in data.items()
        if isinstance(v, str) and k != "csrfmiddlewaretoken"
    }
    application.draft = clean
    application.save(update_fields=["draft", "updated_at"])
    return application


def _member_rows(data: dict, errors: dict[str, str], on: dt.date) -> list[dict]:
    rows = []
    seen: set[str] = set()
    for i in range(MAX_MEMBERS):
        name = (data.get(f"m{i}_name") or "").strip()
        raw_id = (data.get(f"m{i}_id") or "").strip()
        birth_text = (data.get(f"m{i}_birth") or "").strip()
        relation = (data.get(f"m{i}_relation") or "").strip()
        situation = (data.get(f"m{i}_situation") or "").strip()
        if not (name or raw_id or birth_text):
            continue
        n = i + 1
        if not name:
            errors[f"m{i}_name"] = f"第{n}位成员的姓名：请填写姓名"
        if relation not in RELATIONS:
            errors[f"m{i}_relation"] = f"第{n}位成员与申请人关系：请选择"
        if situation not in policy.SITUATIONS:
            errors[f"m{i}_situation"] = f"第{n}位成员的情况：请从列表中选择"
        try:
            rid = idnumber.parse(raw_id, today=on)
        except idnumber.InvalidIDNumber as exc:
            errors[f"m{i}_id"] = f"第{n}位成员的身份证号码：{exc.message}，请核对后重填"
            continue
        birth = None
        if birth_text:
            try:
                birth = dt.date.fromisoformat(birth_text)
            except ValueError:
                errors[f"m{i}_birth"] = f"第{n}位成员的出生日期：请按 2024-06-30 的格式填写"
                continue
            if birth != rid.birth_date:
                errors[f"m{i}_birth"] = (
                    f"第{n}位成员的出生日期：与身份证号码中的出生日期"
                    f"（{rid.birth_date.year}年{rid.birth_date.month}月{rid.birth_date.day}日）"
                    "不一致，请核对"
                )
                continue
        index = id_index_of(rid.number)
        if index in seen:
            errors[f"m{i}_id"] = f"第{n}位成员的身份证号码：与前面的成员重复"
            continue
        seen.add(index)
        rows.append(
            {
                "i": i,
                "name": name,
                "rid": rid,
                "index": index,
                "birth": rid.birth_date,
                "relation": relation,
                "situation": situation,
            }
        )
    if not rows and not errors:
        errors["m0_name"] = "第1位成员：请至少填写申请人本人"
    return rows


def declaration_submit(
    *,
    actor,
    application: Application,
    data: dict,
    attachment: tuple[str, bytes] | None = None,
    request=None,
) -> Application:
    """Check the declaration; on any mistake keep the draft whole and raise
    :class:`DeclarationInvalid` naming each field; else record members, income and assets."""
    from doudi.casework.actions import sniff

    draft_save(actor=actor, application=application, data=data, request=request)
    on = today()
    errors: dict[str, str] = {}
    rows = _member_rows(data, errors, on)
    incomes, assets = _declared_amounts(data, errors)
    account = "".join((data.get("bank_account") or "").split())
    if not (account.isdigit() and 12 <= len(account) <= 30):
        errors["bank_account"] = "收款银行账号：请填写12至30位数字的账号"
    if attachment is not None and attachment[1]:
        if sniff(attachment[1]) is None:
            errors["attachment"] = "附件：只能上传真实的 JPEG、PNG 图片或 PDF 文件"
    if rows and not errors:
        _members_elsewhere(application, rows, errors)
    if errors:
        raise DeclarationInvalid(errors)
    try:
        with transaction.atomic():
            locked = Application.objects.select_for_update().get(pk=application.pk)
            if locked.status != Application.Status.DRAFT:
                raise ValidationError("申请已提交")
            counting = _record_members(application, rows, on)
            _record_amounts(application, incomes, assets)
            if attachment is not None and attachment[1]:
                _attachment_store(actor, application, *attachment)
            application.bank_account = account
            application.bank_account_masked = mask_account(account)
            # The typed form (ID numbers, bank account) is kept in clear only while it is a
            # draft; once recorded (encrypted, in the members and the account) it goes.
            application.draft = {}
            application.status = Application.Status.SUBMITTED
            application.accepted_on = on
            try:
                application.due_on = add_working_days(on, DECISION_WORKING_DAYS)
            except CalendarMissing:
                application.due_on = None
            application.save()
            _event(
                application,
                "submitted",
                actor,
                members=len(rows),
                counting=counting.trace.as_list(),
            )
            audit_record(
                actor=actor,
                action="assistance.declaration_submit",
                object_type="application",
                object_id=application.pk,
                request=request,
                detail={"members": len(rows)},
            )
    except IntegrityError:  # a member was counted in another application meanwhile
        raise DeclarationInvalid(
            {"m0_id": "成员：有成员已在另一份正在办理的申请中，不能重复计入"}
        ) from None
    return application


def _declared_amounts(data: dict, errors: dict[str, str]) -> tuple[dict[str, int], dict[str, int]]:
    """The declared monthly incomes by category and assets by kind, in fen (errors by field)."""
    incomes: dict[str, int] = {}
    for name, (category, label) in INCOME_FIELDS.items():
        try:
            incomes[category] = yuan_to_fen(
                data.get(name, ""), label=label, maximum=MAX_MONTHLY_INCOME_YUAN
            )
        except ValidationError as exc:
            errors[name] = exc.messages[0]
    assets: dict[str, int] = {}
    for name, (kind, label) in ASSET_FIELDS.items():
        try:
            assets[kind] = yuan_to_fen(data.get(name, ""), label=label, maximum=MAX_ASSET_YUAN)
        except ValidationError as exc:
            errors[name] = exc.messages[0]
    return incomes, assets


def _members_elsewhere(application: Application, rows: list[dict], errors: dict[str, str]) -> None:
    """A member already counted in another application in progress is an error on his row."""
    busy = (
        Member.objects.filter(id_index__in=[r["index"] for r in rows], active=True)
        .exclude(application=application)
        .values_list("id_index", flat=True)
    )
    for r in rows:
        if r["index"] in set(busy):
            errors[f"m{r['i']}_id"] = (
                f"第{r['i'] + 1}位成员：已在另一份正在办理的申请中，不能重复计入"
            )


def _record_members(application: Application, rows: list[dict], on: dt.date):
    """Record the declared members, each counted or not by the household rules (§1.3)."""
    person_by_index = {
        p.id_index: p for p in Person.objects.filter(id_index__in=[r["index"] for r in rows])
    }
    counting = policy.count_members(
        [
            {
                "key": r["index"],
                "name": r["name"],
                "relation": r["relation"],
                "age": _age(r["birth"], on),
                "situation": r["situation"],
            }
            for r in rows
        ]
    )
    verdicts = {d.member_id: d for d in counting.decisions}
    for r in rows:
        verdict = verdicts[r["index"]]
        Member.objects.create(
            application=application,
            person=person_by_index.get(r["index"]),
            name=r["name"],
            id_number=r["rid"].number,
            id_index=r["index"],
            id_masked=r["rid"].masked,
            birth_date=r["birth"],
            relation=r["relation"],
            counted=verdict.counted,
            excluded_reason="" if verdict.counted else verdict.reason_label[:200],
        )
    return counting


def _record_amounts(
    application: Application, incomes: dict[str, int], assets: dict[str, int]
) -> None:
    """Record the declared incomes and assets that are not zero."""
    for category, fen in incomes.items():
        if fen:
            IncomeItem.objects.create(application=application, category=category, monthly_fen=fen)
    for kind, fen in assets.items():
        if fen:
            AssetItem.objects.create(application=application, kind=kind, value_fen=fen)


def _attachment_store(actor, application: Application, name: str, data: bytes) -> Attachment:
    import uuid
    from pathlib import Path

    from django.conf import settings

    from doudi.casework.actions import sniff

    content_type, ext = sniff(data) or ("", "")
    relative = Path("assistance") / f"{uuid.uuid4().hex}{ext}"
    target = Path(settings.DOUDI_PRIVATE_DIR) / relative
    target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with target.open("xb") as fh:
        fh.write(data)
    target.chmod(0o600)
    return Attachment.objects.create(
        application=application,
        name=Path(str(name or "")).name.replace("\x00", "")[:120] or f"附件{ext}",
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        path=str(relative),
        uploaded_by=actor,
    )


def mask_account(account: str) -> str:
    return f"{account[:4]}****{account[-4:]}" if len(account) >= 8 else "****"


# --- commitment and authorization --------------------------------------------------------------


def adults(application: Application, on: dt.date | None = None) -> list[Member]:
    on = on or today()
    return [m for m in application.members.all() if _age(m.birth_date, on) >= ADULT_AGE]


def sign(
    *,
    actor,
    application: Application,
    signed: list[int],
    guardians: dict[int, int] | None = None,
    request=None,
) -> Application:
    """The applicant's 承诺书 and each member's 授权核对: ``signed`` are the members who
    signed (adults), ``guardians`` maps a minor to the adult member signing for them. All
    members must be covered; then the application waits for verification."""
    _check_owner(actor, application, "assistance.sign", request)
    if application.status != Application.Status.SUBMITTED:
        raise ValidationError("这份申请现在不需要签署")
    on = today()
    members = list(application.members.all())
    grown = {m.pk for m in adults(application, on)}
    guardians = guardians or {}
    missing = []
    for m in members:
        if m.pk in grown and m.pk not in signed:
            missing.append(m.name)
        if m.pk not in grown and guardians.get(m.pk) not in grown:
            missing.append(m.name)
    if missing:
        raise ValidationError(
            "授权核对：以下成员还没有签署（未成年人由成年监护人代签）：" + "、".join(missing)
        )
    signer = members[0]
    proofs = _proofs(application, members, on)
    with transaction.atomic():
        Commitment.objects.create(
            application=application,
            notice_version=NOTICE_VERSION,
            signer=signer,
            signed_by=actor,
            waived=[p.code for p in proofs.waived],
        )
        application.required_proofs = [{"code": p.code, "name": p.name} for p in proofs.required]
        for m in members:
            Authorization.objects.create(
                application=application,
                member=m,
                guardian_id=None if m.pk in grown else guardians[m.pk],
                notice_version=NOTICE_VERSION,
                scope=sorted(sources.ITEMS),
                signed_by=actor,
            )
        application.status = Application.Status.SIGNED
        application.save(update_fields=["status", "required_proofs", "updated_at"])
        _event(
            application,
            "signed",
            actor,
            members=len(members),
            commitment_path=proofs.commitment_path,
            proofs=proofs.trace.as_list(),
        )
        audit_record(
            actor=actor,
            action="assistance.sign",
            object_type="application",
            object_id=application.pk,
            request=request,
            detail={"notice_version": NOTICE_VERSION, "members": len(members)},
        )
    return application


def false_commitment_in_force(persons, on: dt.date) -> bool:
    return (
        CreditRecord.objects.filter(person__in=[p for p in persons if p is not None])
        .filter(Q(repaired_on__isnull=True) | Q(repaired_on__gt=on))
        .exists()
    )


def _proofs(application: Application, members: list[Member], on: dt.date):
    """The proofs still required and those the commitment waives (POLICY.md §5.1–§5.2)."""
    from doudi.rules import DEFAULT_PROOF_CATALOGUE, required_proofs

    params = policy.params_in_force(area_code=application.household.community.code, on=on)
    catalogue = params.proof_catalogue or DEFAULT_PROOF_CATALOGUE
    incomes = {i.category for i in application.incomes.all()}
    assets = {a.kind for a in application.assets.all()}
    conditions = set()
    if "wage" in incomes:
        conditions.add("has_wage")
    if "business" in incomes or "business" in assets:
        conditions.add("has_business")
    if "vehicle" in assets:
        conditions.add("has_vehicle")
    if any(m.relation == "spouse" for m in members):
        conditions.add("married")
    if any(m.relation == "child" and 16 <= _age(m.birth_date, on) for m in members):
        conditions.add("student_16plus")
    return required_proofs(
        catalogue,
        application.programme,
        conditions,
        commitment_signed=True,
        already_on_file={"commitment", "authorization"},  # signed here, just now
        false_commitment_in_force=false_commitment_in_force(
            [m.person for m in members] + [application.applicant], on
        ),
    )


# --- verification ------------------------------------------------------------------------------


def verify(*, actor, application: Application, request=None) -> VerificationReport:
    """家庭经济状况核对: only by staff in scope, only with every member's authorization on
    file (a check without it is refused and audited). Makes the immutable report and picks
    the path: consistent → simplified; otherwise full, with a home-visit casework task."""
    members = _verifiable_members(actor, application, request)
    on = today()
    params = policy.params_in_force(area_code=application.household.community.code, on=on)
    by_index = {m.id_index: m for m in members}
    facts = sources.department_facts(
        hukou_no=application.household.hukou_no, id_indexes=list(by_index)
    )
    feeds = {s.feed: s for s in sources.sources()}
    stale = sorted(f for f, s in feeds.items() if s.stale)
    declared_income = {i.category: i.monthly_fen for i in application.incomes.all()}
    declared_assets = {a.kind: a.value_fen for a in application.assets.all()}
    rows, found_income, found_assets = _found_rows(facts, by_index, feeds, stale)
    summary = _summary(declared_income, declared_assets, found_income, found_assets)
    undeclared = {k: v for k, v in found_assets.items() if v > 0 and not declared_assets.get(k)}
    hukou = _hukou_members(application)
    unknown = [name for index, name in hukou.items() if index not in by_index]
    flags = [f"未申报的财产：{ASSET_LABELS[a]}" for a in undeclared]
    flags += [f"户籍成员未申报：{n}" for n in unknown]
    flags += [f"数据来源已过期，未作核实（不按零计）：{feeds[f].name}" for f in stale]
    counted = [m for m in members if m.counted]
    result = policy.consistency(
        declared_members=set(by_index),
        hukou_members=set(hukou),
        declared_income_fen=sum(declared_income.values()),
        found_income_fen=sum(found_income.values()),
        declared_assets=declared_assets,
        undeclared_assets=undeclared,
        stale_sources=[feeds[f].name for f in stale],
        members=len(counted),
        params=params,
    )
    income_fen = max(sum(declared_income.values()), sum(found_income.values()))
    amount = policy.dibao_amount(income_fen=income_fen, members=len(counted), params=params)
    with transaction.atomic():
        report = VerificationReport.objects.create(
            application=application,
            rows=rows + [dict(s, summary=True) for s in summary],
            stale_sources=[{"feed": f, "name": feeds[f].name} for f in stale],
            flags=flags,
            verdict=(
                VerificationReport.Verdict.CONSISTENT
                if result.consistent
                else VerificationReport.Verdict.INCONSISTENT
            ),
            reasons=result.reasons,
            trace=result.trace + amount.trace,
            parameter_version=policy.parameter_version(params),
            made_by=actor,
        )
        application.proposed_amount_fen = amount.monthly_fen
        if result.consistent:
            application.path = Application.Path.SIMPLIFIED
            application.status = Application.Status.VERIFIED
        else:
            application.path = Application.Path.FULL
            application.status = Application.Status.INVESTIGATING
            application.task = _home_visit_task(actor, application, result.reasons, request)
        application.save()
        _event(application, "verified", actor, verdict=report.verdict, report=report.pk)
        audit_record(
            actor=actor,
            action="assistance.verify",
            object_type="application",
            object_id=application.pk,
            request=request,
            detail={
                "report": report.pk,
                "verdict": report.verdict,
                "feeds": sorted({f.feed for f in facts}),
                "stale": stale,
            },
        )
    return report


def _verifiable_members(actor, application: Application, request) -> list[Member]:
    """The members, when the actor may verify this application and every member authorised it;
    refused (and audited) otherwise."""
    if (
        not works_applications(actor)
        or not applications_for(actor).filter(pk=application.pk).exists()
    ):
        _denied(actor, "assistance.verify", "application", application.pk, request)
        raise PermissionDenied("not an application of your jurisdiction")
    members = list(application.members.all())
    authorised = set(application.authorizations.values_list("member_id", flat=True))
    unauthorised = [m for m in members if m.pk not in authorised]
    if not members or unauthorised:
        _denied(
            actor,
            "assistance.verify",
            "application",
            application.pk,
            request,
            reason="no_authorization",
            members=len(unauthorised),
        )
        raise VerificationRefused(
            "没有全部成员的授权核对，不能查询部门数据："
            + "、".join(m.name for m in unauthorised or members)
        )
    if application.status != Application.Status.SIGNED:
        raise ValidationError("这份申请现在不能核对")
    return members


def _found_rows(
    facts, by_index: dict[str, Member], feeds: dict, stale: list[str]
) -> tuple[list[dict], dict[str, int], dict[str, int]]:
    """One report row per department fact, and the incomes and assets found by item (facts of a
    stale feed are shown but not added up: missing data is never read as zero)."""
    rows = []
    found_income: dict[str, int] = {}
    found_assets: dict[str, int] = {}
    for fact in facts:
        member = by_index.get(fact.id_index)
        source = feeds.get(fact.feed)
        is_stale = fact.feed in stale
        rows.append(
            {
                "member": member.name if member else "",
                "kind": fact.kind,
                "item": fact.item,
                "found_fen": fact.amount_fen,
                "feed": fact.feed,
                "feed_name": source.name if source else fact.feed,
                "feed_date": (
                    source.last_delivery.date().isoformat()
                    if source and source.last_delivery
                    else ""
                ),
                "stale": is_stale,
            }
        )
        if is_stale:
            continue
        target = found_income if fact.kind == "income" else found_assets
        target[fact.item] = target.get(fact.item, 0) + fact.amount_fen
    return rows, found_income, found_assets


def _summary(
    declared_income: dict[str, int],
    declared_assets: dict[str, int],
    found_income: dict[str, int],
    found_assets: dict[str, int],
) -> list[dict]:
    """Declared beside found, one row per income category and asset kind."""
    summary = []
    for category, label in INCOME_LABELS.items():
        summary.append(
            {
                "kind": "income",
                "item": category,
                "label": label,
                "declared_fen": declared_income.get(category, 0),
                "found_fen": found_income.get(category),
            }
        )
    for kind, label in ASSET_LABELS.items():
        summary.append(
            {
                "kind": "asset",
                "item": kind,
                "label": label,
                "declared_fen": declared_assets.get(kind, 0),
                "found_fen": found_assets.get(kind),
            }
        )
    return summary


def _hukou_members(application: Application) -> dict[str, str]:
    """The names of the people of the application's register household, by ID index."""
    return {
        id_index_of(p.id_number): p.name
        for p in Person.objects.filter(membership__household=application.household)
        if p.id_number
    }


def _home_visit_task(actor, application: Application, reasons: list[str], request=None):
    """The full path: a casework task for the home visit (and 民主评议), through casework's
    own action."""
    from doudi.casework.actions import task_create
    from doudi.casework.models import Task

    note = f"救助申请#{application.pk}核对不一致，需入户调查：" + "；".join(reasons)
    return task_create(
        actor=actor,
        household=application.household,
        origin=Task.Origin.REFERRAL,
        note=note[:500],
        request=request,
    )


# --- first opinion, notice, objections ----------------------------------------------------------


def first_opinion(*, actor, application: Application, text: str, request=None) -> Application:
    """The street's first opinion on the full path, then 7 days of public notice. An
    objection during the notice leads to re-investigation or 民主评议 and a new first
    opinion, which starts a new notice (POLICY.md §1.9)."""
    if (
        not works_applications(actor)
        or not applications_for(actor).filter(pk=application.pk).exists()
    ):
        _denied(actor, "assistance.first_opinion", "application", application.pk, request)
        raise PermissionDenied("not an application of your jurisdiction")
    renewed = application.status == Application.Status.NOTICE and (
        application.objections.filter(recorded_at__gt=application.first_opinion_at).exists()
    )
    if application.status != Application.Status.INVESTIGATING and not renewed:
        raise ValidationError("这份申请现在不需要初审意见")
    text = (text or "").strip()
    if len(text) < 4:
        raise ValidationError("初审意见：请写明意见和理由（至少4个字）")
    on = today()
    with transaction.atomic():
        application.first_opinion = text[:500]
        application.first_opinion_at = _now()
        application.notice_from = on
        application.notice_until = on + dt.timedelta(days=NOTICE_DAYS)
        application.status = Application.Status.NOTICE
        application.save()
        _event(application, "first_opinion", actor, renewed=renewed)
        audit_record(
            actor=actor,
            action="assistance.first_opinion",
            object_type="application",
            object_id=application.pk,
            request=request,
        )
    return application


def objection_record(*, actor, application: Application, text: str, request=None) -> Objection:
    if (
        not works_applications(actor)
        or not applications_for(actor).filter(pk=application.pk).exists()
    ):
        _denied(actor, "assistance.objection", "application", application.pk, request)
        raise PermissionDenied("not an application of your jurisdiction")
    text = (text or "").strip()
    if len(text) < 4:
        raise ValidationError("异议内容：请写明异议（至少4个字）")
    with transaction.atomic():
        objection = Objection.objects.create(
            application=application, text=text[:500], recorded_by=actor
        )
        _event(application, "objection", actor)
        audit_record(
            actor=actor,
            action="assistance.objection",
            object_type="application",
            object_id=application.pk,
            request=request,
        )
    return objection


def public_notice(*, community) -> list[dict]:
    """What the community's notice board shows: name, household size and amount only
    (POLICY.md §1.9: no unrelated information)."""
    on = today()
    shown = []
    for a in (
        Application.objects.filter(community=community)
        .filter(status__in=[Application.Status.NOTICE, Application.Status.APPROVED])
        .select_related("applicant")
        .order_by("id")
    ):
        if a.status == Application.Status.NOTICE:
            amount = a.proposed_amount_fen or 0
            kind = "初审公示"
        else:
            decision = Decision.objects.filter(application=a).first()
            if decision is None or (on - decision.decided_at.date()).days > 30:
                continue
            amount = decision.monthly_amount_fen
            kind = "审批结果公布"
        shown.append(
            {
                "kind": kind,
                "programme": Programme(a.programme).label,
                "name": a.applicant.name,
                "size": a.members.filter(counted=True).count(),
                "amount_fen": amount,
            }
        )
    return shown


# --- the decision ------------------------------------------------------------------------------


def decide(
    *, actor, application: Application, approve: bool, reasons: str, request=None
) -> Decision:
    """The decision by the authorised level. Exactly one per application: the row is locked
    and the database refuses a second; a second caller gets :class:`AlreadyDecided`."""
    if not decides(actor) or not applications_for(actor).filter(pk=application.pk).exists():
        _denied(actor, "assistance.decide", "application", application.pk, request)
        raise PermissionDenied("not authorised to decide this application")
    reasons = (reasons or "").strip()
    if len(reasons) < 4:
        raise ValidationError("决定理由：请写明理由（至少4个字）")
    try:
        with transaction.atomic():
            locked = Application.objects.select_for_update().get(pk=application.pk)
            if Decision.objects.filter(application=locked).exists():
                raise AlreadyDecided("这份申请已经作出决定")
            if locked.status not in (Application.Status.VERIFIED, Application.Status.NOTICE):
                raise ValidationError("这份申请还不能作出决定")
            if locked.status == Application.Status.NOTICE and locked.notice_until > today():
                raise ValidationError(
                    f"公示期到 {locked.notice_until:%Y-%m-%d} 结束，结束后才能作出决定"
                )
            report = locked.reports.order_by("-id").first()
            amount = locked.proposed_amount_fen or 0
            if approve and amount <= 0:
                raise ValidationError("核算金额为零，不能批准；请作出不予批准的决定并写明理由")
            decision = Decision.objects.create(
                application=locked,
                outcome=Decision.Outcome.APPROVED if approve else Decision.Outcome.REJECTED,
                monthly_amount_fen=amount if approve else 0,
                reasons=reasons[:1000],
                report=report,
                parameter_version=report.parameter_version if report else "",
                trace=report.trace if report else [],
                evidence={
                    "path": locked.path,
                    "members": [
                        {"name": m.name, "id": m.id_masked, "counted": m.counted}
                        for m in locked.members.all()
                    ],
                    "income_fen": {i.category: i.monthly_fen for i in locked.incomes.all()},
                    "assets_fen": {a.kind: a.value_fen for a in locked.assets.all()},
                    "objections": [o.text for o in locked.objections.all()],
                    "first_opinion": locked.first_opinion,
                    "verdict": report.verdict if report else "",
                },
                level="district",
                decided_by=actor,
            )
            locked.status = Application.Status.APPROVED if approve else Application.Status.REJECTED
            locked.save(update_fields=["status", "updated_at"])
            if approve:
                Entitlement.objects.create(
                    application=locked,
                    household=locked.household,
                    programme=locked.programme,
                    monthly_fen=amount,
                    first_month=next_month(today()),
                )
                for member in locked.members.filter(counted=True):
                    for kind in (Push.Kind.MEDICAL_AID, Push.Kind.ENROLMENT):
                        Push.objects.create(
                            application=locked,
                            member=member,
                            department=Push.Department.YIBAO,
                            kind=kind,
                        )
            else:
                locked.members.update(active=False)
            _event(locked, "decided", actor, outcome=decision.outcome)
            audit_record(
                actor=actor,
                action="assistance.decide",
                object_type="application",
                object_id=locked.pk,
                request=request,
                detail={"outcome": decision.outcome, "amount_fen": decision.monthly_amount_fen},
            )
    except IntegrityError:
        raise AlreadyDecided("这份申请已经作出决定") from None
    application.refresh_from_db()
    return decision


# --- benefits and payments ---------------------------------------------------------------------


MAX_PHASE_OUT_MONTHS = 6  # 渐退: "in principle ≤ 6 months" (S7, POLICY.md §1.11)
DEATH_REVIEW_MONTHS = 3  # review within 3 months of a member's death (S7, POLICY.md §1.11)


def add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    return day.replace(year=day.year + y, month=m + 1, day=1)


def entitlement_change(
    *,
    actor,
    entitlement: Entitlement,
    kind: str,
    from_month: dt.date,
    reason: str,
    monthly_fen: int | None = None,
    months: int | None = None,
    request=None,
) -> EntitlementChange:
    """Stop, adjust or phase out (渐退) a benefit from a month on, with the reason. Months
    already in a payment batch cannot change."""
    if (
        not decides(actor)
        or not applications_for(actor).filter(pk=entitlement.application_id).exists()
    ):
        _denied(actor, "assistance.entitlement_change", "entitlement", entitlement.pk, request)
        raise PermissionDenied("not authorised")
    reason = (reason or "").strip()
    if kind not in EntitlementChange.Kind.values:
        raise ValidationError("变更类型：请从列表中选择")
    if len(reason) < 4:
        raise ValidationError("原因：请写明停发、调整或渐退的原因（至少4个字）")
    if entitlement.status != Entitlement.Status.ACTIVE:
        raise ValidationError("这项救助已经停发")
    if kind == EntitlementChange.Kind.ADJUST and (monthly_fen is None or monthly_fen <= 0):
        raise ValidationError("调整后金额：请填写大于零的金额（元/月）")
    if kind == EntitlementChange.Kind.PHASE_OUT and not (
        months is not None and 1 <= months <= MAX_PHASE_OUT_MONTHS
    ):
        raise ValidationError(f"渐退月数：请填写1至{MAX_PHASE_OUT_MONTHS}个月")
    from_month = month_start(from_month)
    if PaymentBatch.objects.filter(month__gte=from_month).exists():
        raise ValidationError("该月的发放批次已生成，只能从下一个月起变更")
    with transaction.atomic():
        change = EntitlementChange.objects.create(
            entitlement=entitlement,
            kind=kind,
            from_month=from_month,
            monthly_fen=monthly_fen if kind == EntitlementChange.Kind.ADJUST else None,
            months=months if kind == EntitlementChange.Kind.PHASE_OUT else None,
            reason=reason[:300],
            made_by=actor,
        )
        if kind == EntitlementChange.Kind.STOP:
            entitlement.status = Entitlement.Status.STOPPED
            entitlement.last_month = add_months(from_month, -1)
            # the members may apply again
            Member.objects.filter(application_id=entitlement.application_id).update(active=False)
        elif kind == EntitlementChange.Kind.PHASE_OUT:
            entitlement.last_month = add_months(from_month, months - 1)
        entitlement.save(update_fields=["status", "last_month"])
        audit_record(
            actor=actor,
            action="assistance.entitlement_change",
            object_type="entitlement",
            object_id=entitlement.pk,
            request=request,
            detail={"kind": kind, "from": from_month.isoformat(), "months": months},
        )
    return change


def member_death_record(
    *, actor, entitlement: Entitlement, member: Member, died_on: dt.date, request=None
) -> Entitlement:
    """A member of a household on benefit died: the household is to be reviewed and the
    amount adjusted within 3 months of the death."""
    if (
        not works_applications(actor)
        or not applications_for(actor).filter(pk=entitlement.application_id).exists()
        or member.application_id != entitlement.application_id
    ):
        _denied(actor, "assistance.member_death", "entitlement", entitlement.pk, request)
        raise PermissionDenied("not authorised")
    if died_on > today():
        raise ValidationError("死亡日期：不能晚于今天")
    due = add_months(died_on, DEATH_REVIEW_MONTHS) + dt.timedelta(days=died_on.day - 1)
    with transaction.atomic():
        entitlement.review_due = due
        entitlement.review_reason = f"家庭成员{member.name}于{died_on:%Y-%m-%d}死亡，需复核调整"
        entitlement.save(update_fields=["review_due", "review_reason"])
        audit_record(
            actor=actor,
            action="assistance.member_death",
            object_type="entitlement",
            object_id=entitlement.pk,
            request=request,
            detail={"member": member.pk, "review_due": due.isoformat()},
        )
    return entitlement


def _amount_for(entitlement: Entitlement, month: dt.date) -> int | None:
    if entitlement.first_month > month:
        return None
    if entitlement.last_month is not None and entitlement.last_month < month:
        return None
    amount = entitlement.monthly_fen
    for change in sorted(entitlement.changes.all(), key=lambda c: (c.from_month, c.pk)):
        if change.from_month > month:
            break
        if change.kind == EntitlementChange.Kind.STOP:
            return None
        amount = change.monthly_fen or amount
    return amount


BANK_HEADER = ["batch_month", "line", "account_ref", "amount_yuan", "programme", "household"]


def payment_batch(*, month: dt.date, actor=None) -> PaymentBatch:
    """The month's batch: made once from the entitlements in force, then kept byte for byte
    (exporting it again gives the same file)."""
    month = month_start(month)
    existing = PaymentBatch.objects.filter(month=month).first()
    if existing is not None:
        return existing
    entitlements = (
        Entitlement.objects.select_related("application", "household")
        .prefetch_related("changes")
        .order_by("household__hukou_no", "id")
    )
    lines = []
    for entitlement in entitlements:
        amount = _amount_for(entitlement, month)
        if amount:
            lines.append((entitlement, amount))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(BANK_HEADER)
    for n, (e, amount) in enumerate(lines, start=1):
        writer.writerow(
            [
                f"{month:%Y-%m}",
                n,
                e.application.bank_account_masked,
                f"{Decimal(amount) / 100:.2f}",
                e.programme,
                e.household.hukou_no,
            ]
        )
    content = out.getvalue().encode("utf-8")
    try:
        with transaction.atomic():
            batch = PaymentBatch.objects.create(
                month=month,
                content=content,
                sha256=hashlib.sha256(content).hexdigest(),
                rows=len(lines),
                total_fen=sum(a for _, a in lines),
                made_by=actor,
            )
            Payment.objects.bulk_create(
                Payment(
                    batch=batch,
                    entitlement=e,
                    household=e.household,
                    programme=e.programme,
                    amount_fen=amount,
                    account_masked=e.application.bank_account_masked,
                )
                for e, amount in lines
            )
            audit_record(
                actor=actor,
                action="assistance.payment_batch",
                object_type="payment_batch",
                object_id=batch.pk,
                detail={"month": f"{month:%Y-%m}", "rows": len(lines)},
            )
    except IntegrityError:  # made meanwhile by someone else
        return PaymentBatch.objects.get(month=month)
    return batch


# --- pushes ------------------------------------------------------------------------------------


def push_acknowledge(*, actor, push: Push, reference: str, request=None) -> Push:
    """The department's acknowledgement (its data officer, or the bureau on its word)."""
    department_ok = bool(
        actor is not None
        and actor.is_authenticated
        and actor.can.delivers_feeds
        and actor.department in ("医保", "yibao")
    )
    if not (department_ok or decides(actor)):
        _denied(actor, "assistance.push_ack", "push", push.pk, request)
        raise PermissionDenied("not the receiving department")
    reference = (reference or "").strip()
    if not reference:
        raise ValidationError("回执编号：请填写医保部门的回执编号")
    with transaction.atomic():
        updated = Push.objects.filter(pk=push.pk, acknowledged_at__isnull=True).update(
            acknowledged_at=_now(), ack_reference=reference[:64], acknowledged_by=actor
        )
        if not updated:
            raise ValidationError("这条推送已经确认过")
        audit_record(
            actor=actor,
            action="assistance.push_ack",
            object_type="push",
            object_id=push.pk,
            request=request,
        )
    push.refresh_from_db()
    return push


# --- residents ---------------------------------------------------------------------------------


def resident_bind(*, actor, user, person: Person, request=None):
    """Bind an applicant account to the person it belongs to (done at the counter, after the
    officer has seen the person's ID card)."""
    from doudi.accounts.roles import Role
    from doudi.assistance.models import Resident

    in_scope = (
        works_applications(actor) and households_for(actor).filter(members__person=person).exists()
    )
    if not in_scope or user.role != Role.APPLICANT:
        _denied(actor, "assistance.resident_bind", "person", person.pk, request)
        raise PermissionDenied("not a person of your jurisdiction, or not an applicant account")
    with transaction.atomic():
        resident, _created = Resident.objects.update_or_create(
            user=user, defaults={"person": person}
        )
        audit_record(
            actor=actor,
            action="assistance.resident_bind",
            object_type="person",
            object_id=person.pk,
            request=request,
            detail={"user": user.pk},
        )
    return resident


# --- deadlines ---------------------------------------------------------------------------------


def applications_overdue_alert(*, on: dt.date | None = None) -> int:
    """Tell the community's officers and the bureau, once, about each application past its
    decision deadline (30 working days from acceptance, POLICY.md §1.9)."""
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    from doudi.accounts.roles import Role
    from doudi.casework.actions import notify
    from doudi.casework.models import Notification
    from doudi.casework.selectors import officers_of

    on = on or today()
    late = (
        Application.objects.filter(due_on__lt=on, overdue_notified_at__isnull=True)
        .exclude(
            status__in=[
                Application.Status.DRAFT,
                Application.Status.APPROVED,
                Application.Status.REJECTED,
                Application.Status.WITHDRAWN,
            ]
        )
        .select_related("community")
    )
    count = 0
    for application in late:
        with transaction.atomic():
            updated = Application.objects.filter(
                pk=application.pk, overdue_notified_at__isnull=True
            ).update(overdue_notified_at=_now())
            if not updated:
                continue
            notify(
                users=list(officers_of(application.community))
                + list(get_user_model().objects.filter(role=Role.DISTRICT_BUREAU, is_active=True)),
                kind=Notification.Kind.OVERDUE,
                text=f"救助申请#{application.pk}已超过审批期限（{application.due_on:%Y-%m-%d}）",
                url=reverse("assistance:application", args=[application.pk]),
            )
            audit_record(
                action="assistance.overdue_alert",
                object_type="application",
                object_id=application.pk,
                detail={"due_on": application.due_on.isoformat()},
            )
        count += 1
    return count


def assistance_after_monitoring_run(*, run) -> None:
    """The daily post-run hook (settings.DOUDI_MONITORING_POST_RUN): deadline alerts."""
    applications_overdue_alert(on=run.as_of)
