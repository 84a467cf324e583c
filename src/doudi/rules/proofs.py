"""The proof catalogue (§5.2) and which proofs a signed commitment waives (§5.1, §5 notes)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .params import ProofItem
from .trace import Trace

SECTION = "POLICY.md §5"

DEFAULT_PROOF_CATALOGUE: tuple[ProofItem, ...] = (
    ProofItem("hukou_id", "户口簿、身份证", 1, "S1 Art.9；S23", True, "数据核对：公安户籍"),
    ProofItem(
        "residence_proof",
        "居住证或异地居住证明",
        1,
        "S1 Art.5",
        True,
        "数据核对：公安居住证",
        condition="away_from_hukou",
    ),
    ProofItem("marriage", "结婚证", 2, "S23", True, "数据核对：民政婚姻登记", condition="married"),
    ProofItem(
        "divorce",
        "离婚证或离婚判决书",
        2,
        "S23",
        True,
        "数据核对：民政婚姻登记",
        condition="divorced",
    ),
    ProofItem(
        "spouse_death",
        "配偶死亡证明",
        2,
        "S23；S7 殡葬数据共享",
        True,
        "数据核对：民政殡葬",
        condition="widowed",
    ),
    ProofItem(
        "income_statement",
        "单位盖章的收入证明或收入自述",
        3,
        "S1 Art.13；S23",
        True,
        "数据核对：人社、税务、公积金",
        condition="has_wage",
    ),
    ProofItem(
        "farm_income",
        "村（居）委会出具的农业收入证明",
        3,
        "S23",
        True,
        "入户调查",
        condition="has_farm_income",
        applies_to=("dibao", "tekun", "edge"),
    ),
    ProofItem(
        "land_contract",
        "土地、林地承包或流转合同",
        3,
        "S23",
        True,
        "数据核对：农业农村",
        condition="has_farm_income",
    ),
    ProofItem(
        "unemployment",
        "就业失业登记证",
        4,
        "S23",
        True,
        "数据核对：人社就业登记",
        condition="unemployed",
    ),
    ProofItem(
        "work_ability",
        "劳动能力鉴定报告",
        5,
        "S3 Art.5",
        False,
        "鉴定机构出具",
        applies_to=("tekun",),
        condition="work_ability_claim",
    ),
    ProofItem(
        "disability_cert",
        "残疾证",
        6,
        "S23（证件，通常保留）",
        False,
        "数据核对：残联",
        condition="disabled",
    ),
    ProofItem(
        "diagnosis",
        "医院诊断证明、病历",
        7,
        "S1 Art.13 扣减；S23",
        True,
        "数据核对：医保结算",
        condition="ill",
    ),
    ProofItem(
        "medical_bills",
        "医疗费用票据",
        7,
        "S4；S23",
        False,
        "数据核对：医保结算（自付部分需票据）",
        applies_to=("rigid", "temporary"),
        condition="ill",
    ),
    ProofItem(
        "enrolment",
        "在校就读证明",
        8,
        "S1 Art.7；S3 Art.24",
        True,
        "数据核对：教育学籍",
        condition="student_16plus",
    ),
    ProofItem(
        "support_agreement",
        "赡养、抚养协议或法院文书",
        9,
        "S23",
        True,
        "入户调查、信函索证",
        condition="has_supporter",
    ),
    ProofItem(
        "supporter_income",
        "赡养人收入证明",
        9,
        "S3 Art.8；S23",
        True,
        "数据核对：赡养人授权后核对",
        condition="has_supporter",
    ),
    ProofItem(
        "vehicle_papers",
        "车辆登记证明",
        3,
        "S14",
        True,
        "数据核对：公安车管",
        condition="has_vehicle",
    ),
    ProofItem(
        "business_licence",
        "营业执照及纳税证明",
        3,
        "S14",
        True,
        "数据核对：市场监管、税务",
        condition="has_business",
    ),
    ProofItem(
        "housing_proof",
        "住房或无房证明",
        3,
        "S14",
        True,
        "数据核对：不动产登记",
        condition="always",
    ),
    ProofItem(
        "commitment",
        "承诺书",
        0,
        "S7 §1(二)；S11",
        False,
        "申请人签署",
        applies_to=("dibao", "tekun", "edge", "rigid", "temporary"),
    ),
    ProofItem(
        "authorization",
        "家庭经济状况核对授权书",
        0,
        "S1 Art.9；S5 Art.58",
        False,
        "每名成年家庭成员签署",
        applies_to=("dibao", "tekun", "edge", "rigid", "temporary"),
    ),
)


@dataclass
class ProofsResult:
    """required: still to be handed in (listed once, §1.2 Art.10); waived: replaced by the
    commitment (never asked for); commitment_path: whether the commitment path was used."""

    required: list[ProofItem]
    waived: list[ProofItem]
    commitment_path: bool
    reasons: list[str]
    trace: Trace = field(default_factory=Trace)


def required_proofs(
    catalogue: tuple[ProofItem, ...] | list[ProofItem],
    programme: str,
    conditions: set[str] | frozenset[str],
    *,
    commitment_signed: bool,
    false_commitment_in_force: bool = False,
    already_on_file: set[str] | frozenset[str] = frozenset(),
) -> ProofsResult:
    """The proofs an application still needs. Items apply when the programme is in applies_to and
    the condition is "always" or in `conditions`. With a signed commitment and no false-commitment
    record in force, commit-waivable items are waived; a false-commitment record in force closes
    the commitment path (§5.1) so every applicable item is required. Items in already_on_file
    (codes) are not asked for again."""
    t = Trace()
    reasons: list[str] = []
    path = commitment_signed and not false_commitment_in_force
    if commitment_signed and false_commitment_in_force:
        reasons.append("存在尚未修复的虚假承诺记录，不能适用告知承诺办理，需提交全部证明材料")
    t.add(
        "proofs.commitment_path",
        "POLICY.md §5.1",
        "告知承诺办理",
        inputs={
            "已签署承诺书": "是" if commitment_signed else "否",
            "虚假承诺记录": "有" if false_commitment_in_force else "无",
        },
        result="适用，承诺可替代的证明不再索要"
        if path
        else "不适用" + ("：" + reasons[0] if reasons else ""),
        passed=path,
    )
    required: list[ProofItem] = []
    waived: list[ProofItem] = []
    for item in catalogue:
        if programme not in item.applies_to:
            continue
        if item.condition != "always" and item.condition not in conditions:
            continue
        if item.code in already_on_file:
            continue
        if path and item.commit_waivable:
            waived.append(item)
        else:
            required.append(item)
    t.add(
        "proofs.list",
        "POLICY.md §5.2",
        "证明材料清单",
        result=("需提交：" + "、".join(i.name for i in required) if required else "无需再提交材料")
        + ("；以承诺替代：" + "、".join(i.name for i in waived) if waived else ""),
    )
    return ProofsResult(required, waived, path, reasons, t)
