"""§1.7 家庭财产: assets and their local limits (also used for 低边 §1.5/§4.1 and 特困 §2.3)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from .params import PolicyParams
from .trace import Trace, yuan

SECTION = "POLICY.md §1.7"

FINANCIAL_KINDS = frozenset(
    {"deposit", "securities", "fund", "insurance", "claim", "internet_finance"}
)
NONRESIDENTIAL_KINDS = frozenset({"shop", "office", "factory", "serviced_apartment"})
EXEMPT_VEHICLE_KINDS = frozenset({"motorbike", "disability_vehicle", "ebike", "farm_vehicle"})

KIND_LABELS = {
    "deposit": "银行存款",
    "securities": "有价证券",
    "fund": "基金",
    "insurance": "商业保险",
    "claim": "债权",
    "internet_finance": "互联网金融资产",
    "car": "机动车辆（小汽车）",
    "motorbike": "普通两轮摩托车",
    "disability_vehicle": "残疾人功能性补偿代步机动车",
    "ebike": "电动自行车",
    "farm_vehicle": "农用车辆",
    "housing": "住房",
    "shop": "商铺",
    "office": "办公用房",
    "factory": "厂房",
    "serviced_apartment": "酒店式公寓",
    "business_capital": "企业认缴出资",
    "timber": "林木等定着物",
    "other": "其他财产",
}


@dataclass(frozen=True)
class Asset:
    """One asset. value_fen: deposits = account total; securities/funds = market value; insurance =
    cash value; claims = agreement; vehicles/real estate = registration records (§1.7).
    floor_area_m2: housing only; only_home: a converted 居改非 unit that is the only home;
    production_need: exempted as needed for production and living (reason in exempt_reason).
    """

    member_id: str
    kind: str
    value_fen: int = 0
    floor_area_m2: Decimal = Decimal("0")
    only_home: bool = False
    exempt_reason: str = ""
    description: str = ""


@dataclass(frozen=True)
class AssetBreach:
    rule: str
    label: str  # Chinese explanation of what exceeds the limit


@dataclass
class AssetResult:
    within_limits: bool
    breaches: list[AssetBreach]
    financial_per_capita_fen: int
    trace: Trace = field(default_factory=Trace)


class AssetError(ValueError):
    """Bad input: a negative value or an unknown kind."""


def check_assets(
    assets: list[Asset],
    household_size: int,
    params: PolicyParams,
    *,
    rural: bool = False,
    programme: str = "dibao",
) -> AssetResult:
    """Check household assets against the local limits in force (§1.7).

    programme "dibao" uses financial_assets_months_of_standard, max_cars, max_homes (a second home
    only if per-capita floor area ≤ the local average), business_capital_max_fen and the
    non-residential property rule; "edge" (§1.5) uses edge_financial_assets_months_of_standard and
    allows one car below edge_car_max_months_of_standard; "tekun" (§2.3) uses
    tekun_financial_assets_months_of_standard. Exempted assets (exempt_reason, or exempt vehicle
    kinds) are listed in the trace and not counted.
    """
    if household_size < 1:
        raise AssetError("计入的家庭成员人数至少为1人。")
    trace = Trace()
    standard = params.standard_fen(rural)
    counted = _counted_assets(assets, trace)
    per_capita, financial_breach = _check_financial(
        counted, household_size, params, standard, rural=rural, programme=programme, trace=trace
    )
    breaches = [
        breach
        for breach in (
            financial_breach,
            _check_vehicles(counted, params, standard, programme=programme, trace=trace),
            _check_housing(counted, household_size, params, trace=trace),
            _check_nonresidential(counted, params, trace=trace),
            _check_business(counted, params, trace=trace),
        )
        if breach is not None
    ]
    within = not breaches
    trace.add(
        "assets.result",
        SECTION,
        "家庭财产状况",
        result="符合当地财产条件" if within else "不符合：" + "；".join(b.label for b in breaches),
        passed=within,
    )
    return AssetResult(within, breaches, per_capita, trace)


def _counted_assets(assets: list[Asset], trace: Trace) -> list[Asset]:
    """The assets that count: valid ones, less the exempted (listed in the trace)."""
    counted: list[Asset] = []
    for a in assets:
        if a.kind not in KIND_LABELS:
            raise AssetError(f"财产类型“{a.kind}”无效。")
        if a.value_fen < 0 or a.floor_area_m2 < 0:
            raise AssetError("财产价值和面积不能为负数，请填写实际数值。")
        label = KIND_LABELS[a.kind]
        if a.exempt_reason or a.kind in EXEMPT_VEHICLE_KINDS:
            reason = a.exempt_reason or "豁免车辆类型"
            trace.add(
                f"assets.exempt.{a.kind}",
                SECTION,
                f"豁免财产：{label}",
                inputs={"成员": a.member_id, "价值": yuan(a.value_fen)},
                result=f"不计入（{reason}）",
            )
            continue
        counted.append(a)
    return counted


def _check_financial(
    counted: list[Asset],
    household_size: int,
    params: PolicyParams,
    standard: int,
    *,
    rural: bool,
    programme: str,
    trace: Trace,
) -> tuple[int, AssetBreach | None]:
    """Financial assets per capita against the programme's limit; (per capita, breach or None)."""
    months_name = {
        "edge": "edge_financial_assets_months_of_standard",
        "tekun": "tekun_financial_assets_months_of_standard",
    }.get(programme, "financial_assets_months_of_standard")
    months = int(getattr(params, months_name))
    financial = sum(a.value_fen for a in counted if a.kind in FINANCIAL_KINDS)
    per_capita = financial // household_size
    limit = months * standard
    ok = per_capita < limit
    std_name = "dibao_standard_rural_fen" if rural else "dibao_standard_urban_fen"
    trace.add(
        "assets.financial",
        SECTION,
        "人均金融资产低于限额",
        inputs={
            "金融资产合计": yuan(financial),
            "计入人数": str(household_size),
            "人均": yuan(per_capita),
        },
        params=[
            params.ref(months_name, "金融资产限额（月低保标准倍数）"),
            params.ref(std_name, "低保标准（月）"),
        ],
        result=f"限额 {yuan(limit)}：" + ("符合" if ok else "超过限额"),
        passed=ok,
    )
    if ok:
        return per_capita, None
    return per_capita, AssetBreach(
        "assets.financial", f"人均金融资产{yuan(per_capita)}，超过限额{yuan(limit)}"
    )


def _check_vehicles(
    counted: list[Asset], params: PolicyParams, standard: int, *, programme: str, trace: Trace
) -> AssetBreach | None:
    """Cars: the edge programme allows one below a price limit, the others a number of cars."""
    cars = [a for a in counted if a.kind == "car"]
    if programme == "edge":
        car_limit = params.edge_car_max_months_of_standard * standard
        ok = len(cars) == 0 or (len(cars) == 1 and cars[0].value_fen < car_limit)
        rule_text = f"无车，或仅一辆价格低于{yuan(car_limit)}的车"
        ref = params.ref("edge_car_max_months_of_standard", "车辆价格限额（月低保标准倍数）")
    else:
        ok = len(cars) <= params.max_cars
        rule_text = f"生活用机动车不超过{params.max_cars}辆"
        ref = params.ref("max_cars", "允许的生活用机动车数")
    trace.add(
        "assets.vehicles",
        SECTION,
        "机动车辆",
        inputs={
            "车辆数": str(len(cars)),
            "价值": "、".join(yuan(c.value_fen) for c in cars) or "无",
        },
        params=[ref],
        result=f"{rule_text}：" + ("符合" if ok else "不符合"),
        passed=ok,
    )
    if ok:
        return None
    return AssetBreach("assets.vehicles", f"有{len(cars)}辆生活用机动车，不符合“{rule_text}”")


def _check_housing(
    counted: list[Asset], household_size: int, params: PolicyParams, *, trace: Trace
) -> AssetBreach | None:
    """Number of homes; a second one when the floor area per capita is at most the average."""
    homes = [a for a in counted if a.kind == "housing"]
    area = sum((h.floor_area_m2 for h in homes), Decimal("0"))
    per_capita_area = area / household_size
    allowed = params.max_homes
    if (
        params.second_home_if_area_below_average
        and per_capita_area <= params.average_floor_area_per_capita_m2
    ):
        allowed = max(allowed, 2)
    ok = len(homes) <= allowed
    trace.add(
        "assets.housing",
        SECTION,
        "住房套数",
        inputs={
            "住房套数": str(len(homes)),
            "人均建筑面积": f"{per_capita_area.quantize(Decimal('0.1'))}平方米",
        },
        params=[
            params.ref("max_homes", "允许住房套数"),
            params.ref("average_floor_area_per_capita_m2", "当地人均住房面积（平方米）"),
        ],
        result=f"最多{allowed}套：" + ("符合" if ok else "不符合"),
        passed=ok,
    )
    if ok:
        return None
    return AssetBreach("assets.housing", f"有{len(homes)}套住房，超过允许的{allowed}套")


def _check_nonresidential(
    counted: list[Asset], params: PolicyParams, *, trace: Trace
) -> AssetBreach | None:
    """No shop, office, factory or serviced apartment (a converted only home excepted)."""
    if not params.forbid_nonresidential_property:
        return None
    nonres = [a for a in counted if a.kind in NONRESIDENTIAL_KINDS and not a.only_home]
    ok = not nonres
    trace.add(
        "assets.nonresidential",
        SECTION,
        "无商铺、办公用房、厂房、酒店式公寓（居改非唯一住房除外）",
        inputs={"非住宅房产": "、".join(KIND_LABELS[a.kind] for a in nonres) or "无"},
        result="符合" if ok else "不符合",
        passed=ok,
    )
    if ok:
        return None
    return AssetBreach(
        "assets.nonresidential", "拥有非住宅房产（商铺、办公用房、厂房或酒店式公寓）"
    )


def _check_business(
    counted: list[Asset], params: PolicyParams, *, trace: Trace
) -> AssetBreach | None:
    """Subscribed business capital against its limit."""
    capital = sum(a.value_fen for a in counted if a.kind == "business_capital")
    ok = capital <= params.business_capital_max_fen
    trace.add(
        "assets.business",
        SECTION,
        "企业认缴出资不超过限额",
        inputs={"认缴出资合计": yuan(capital)},
        params=[params.ref("business_capital_max_fen", "认缴出资限额")],
        result="符合" if ok else "超过限额",
        passed=ok,
    )
    if ok:
        return None
    return AssetBreach(
        "assets.business",
        f"企业认缴出资{yuan(capital)}，超过限额{yuan(params.business_capital_max_fen)}",
    )
