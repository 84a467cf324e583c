"""§1.3 共同生活的家庭成员: who counts in the household, who is excluded and why."""

from __future__ import annotations

from dataclasses import dataclass, field

from .trace import Trace

SECTION = "POLICY.md §1.3"

# relation of a member to the applicant
RELATIONS = ("self", "spouse", "child", "parent", "grandparent", "grandchild", "sibling", "other")

EDUCATION_BACHELOR_OR_BELOW = frozenset(
    {"primary", "junior", "senior", "vocational", "college", "bachelor"}
)

RELATION_LABELS = {
    "self": "本人",
    "spouse": "配偶",
    "child": "子女",
    "parent": "父母",
    "grandparent": "祖父母、外祖父母",
    "grandchild": "孙子女、外孙子女",
    "sibling": "兄弟姐妹",
    "other": "其他",
}

REASON_LABELS = {
    "applicant": "申请人本人",
    "spouse": "配偶",
    "minor_child": "未成年子女",
    "adult_child_dependent": "已成年但不能独立生活的子女",
    "adult_child_student": "在校接受全日制本科及以下学历教育的成年子女",
    "co_resident_dependant": "共同生活的其他法定赡养、扶养、抚养义务关系人员",
    "clergy_away": "连续三年以上脱离家庭独立生活的宗教教职人员（不计入）",
    "prisoner": "在监狱内服刑人员（不计入）",
    "compulsory_rehab": "强制隔离戒毒人员（不计入）",
    "missing": "宣告失踪人员（不计入）",
    "provincial": "省级民政部门规定的其他不计入人员",
    "not_family": "不属于共同生活的家庭成员",
    "override": "经办人员人工认定",
}


@dataclass(frozen=True)
class Member:
    """A person on the application. `age` in full years on the application date.

    relation: one of RELATIONS (relative to the applicant); lives_with_family: lives with the
    family long-term; support_duty: a legal duty of support (赡养/扶养/抚养) either way;
    can_live_independently: for adult children; education: current full-time level, e.g.
    "bachelor", "master" (None = not in full-time education); clergy_years_away: years in a row
    apart from the family as clergy; provincial_exclusion: a reason text from the province's list;
    override_counted/override_reason: an officer's recorded decision (audited by the caller).
    """

    id: str
    name: str
    relation: str
    age: int
    lives_with_family: bool = True
    support_duty: bool = False
    can_live_independently: bool = True
    education: str | None = None
    clergy_years_away: int = 0
    in_prison: bool = False
    in_compulsory_rehab: bool = False
    declared_missing: bool = False
    provincial_exclusion: str | None = None
    override_counted: bool | None = None
    override_reason: str = ""
    # used by §1.4, §2, §4.1
    disability_type: str | None = (
        None  # "physical", "intellectual", "mental", "visual", "hearing", "speech", "multiple"
    )
    disability_grade: int | None = None  # 1 (most severe) … 4
    serious_illness: bool = False  # 重特大疾病 as defined locally
    employed: bool = False


@dataclass(frozen=True)
class MemberDecision:
    member_id: str
    name: str
    counted: bool
    reason: str  # a key of REASON_LABELS
    reason_label: str


@dataclass
class MembersResult:
    decisions: list[MemberDecision]
    trace: Trace = field(default_factory=Trace)

    @property
    def counted(self) -> list[str]:
        return [d.member_id for d in self.decisions if d.counted]

    @property
    def excluded(self) -> list[MemberDecision]:
        return [d for d in self.decisions if not d.counted]

    @property
    def size(self) -> int:
        return len(self.counted)


def _decide(m: Member) -> tuple[bool, str]:
    # exclusions come first (§1.3 "Not counted")
    if m.clergy_years_away >= 3:
        return False, "clergy_away"
    if m.in_prison:
        return False, "prisoner"
    if m.in_compulsory_rehab:
        return False, "compulsory_rehab"
    if m.declared_missing:
        return False, "missing"
    if m.provincial_exclusion:
        return False, "provincial"
    if m.relation == "self":
        return True, "applicant"
    if m.relation == "spouse":
        return True, "spouse"
    if m.relation == "child":
        if m.age < 18:
            return True, "minor_child"
        if m.education in EDUCATION_BACHELOR_OR_BELOW:
            return True, "adult_child_student"
        if not m.can_live_independently:
            return True, "adult_child_dependent"
        if m.support_duty and m.lives_with_family:
            return True, "co_resident_dependant"
        return False, "not_family"
    if m.support_duty and m.lives_with_family:
        return True, "co_resident_dependant"
    return False, "not_family"


def count_members(members: list[Member]) -> MembersResult:
    """Decide for each member whether they count (POLICY.md §1.3), with the reason.

    Counted: the applicant; spouse; minor children; adult children who cannot live independently,
    including full-time students up to bachelor's level; others with a legal duty of support who
    live with the family long-term. Not counted: clergy away ≥ 3 years, prisoners, people in
    compulsory drug rehabilitation, people declared missing, the province's list. An officer's
    override wins and is traced with its reason.
    """
    trace = Trace()
    decisions: list[MemberDecision] = []
    for m in members:
        counted, reason = _decide(m)
        if m.override_counted is not None:
            counted, reason = m.override_counted, "override"
        label = REASON_LABELS[reason]
        if reason == "provincial" and m.provincial_exclusion:
            label = f"{label}：{m.provincial_exclusion}"
        if reason == "override" and m.override_reason:
            label = f"{label}：{m.override_reason}"
        decisions.append(MemberDecision(m.id, m.name, counted, reason, label))
        trace.add(
            f"members.{reason}",
            SECTION,
            f"家庭成员认定：{m.name}",
            inputs={
                "与申请人关系": RELATION_LABELS.get(m.relation, m.relation),
                "年龄": str(m.age),
            },
            result=("计入" if counted else "不计入") + f"（{label}）",
            passed=counted,
        )
    size = sum(1 for d in decisions if d.counted)
    trace.add("members.size", SECTION, "共同生活家庭成员人数", result=f"{size}人")
    return MembersResult(decisions, trace)
