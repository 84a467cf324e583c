"""Illnesses of qingshan: what they cost, how long they last, who they kill or disable."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Serious:
    name: str
    icd: str
    share_young: float  # relative frequency under 45
    share_old: float  # relative frequency from 45
    months: tuple[int, int]  # treatment length
    first: float  # total cost of the first (inpatient) month, 元
    monthly: float  # total cost of each later treatment month
    death: float  # monthly death hazard while under treatment
    disability: float  # chance of a lasting disability at the end
    female_only: bool = False
    cause: str = ""  # category for the death certificate


SERIOUS = [
    Serious("肺恶性肿瘤", "C34.9", 0.04, 0.12, (6, 18), 45000, 8000, 0.035, 0.0, cause="恶性肿瘤"),
    Serious("胃恶性肿瘤", "C16.9", 0.04, 0.07, (6, 15), 40000, 6000, 0.025, 0.0, cause="恶性肿瘤"),
    Serious("肝恶性肿瘤", "C22.0", 0.04, 0.06, (4, 12), 42000, 7000, 0.05, 0.0, cause="恶性肿瘤"),
    Serious(
        "结直肠恶性肿瘤", "C18.9", 0.04, 0.07, (6, 15), 45000, 6000, 0.015, 0.0, cause="恶性肿瘤"
    ),
    Serious(
        "乳腺恶性肿瘤", "C50.9", 0.10, 0.07, (6, 14), 35000, 5000, 0.008, 0.0, True, "恶性肿瘤"
    ),
    Serious("脑梗死", "I63.9", 0.06, 0.18, (2, 6), 30000, 3000, 0.02, 0.30, cause="脑血管疾病"),
    Serious("脑出血", "I61.9", 0.04, 0.05, (2, 8), 50000, 4000, 0.08, 0.40, cause="脑血管疾病"),
    Serious("急性心肌梗死", "I21.9", 0.05, 0.10, (1, 3), 60000, 2000, 0.03, 0.05, cause="心脏病"),
    Serious("白血病", "C92.0", 0.25, 0.02, (12, 24), 80000, 12000, 0.03, 0.0, cause="恶性肿瘤"),
    Serious("重症肺炎", "J18.9", 0.08, 0.08, (1, 2), 25000, 2000, 0.04, 0.0, cause="呼吸系统疾病"),
    Serious(
        "慢性肾衰竭", "N18.5", 0.06, 0.04, (2, 3), 20000, 6000, 0.01, 0.0, cause="泌尿系统疾病"
    ),
    Serious(
        "系统性红斑狼疮", "M32.9", 0.10, 0.01, (3, 9), 18000, 3000, 0.005, 0.0, True, "其他疾病"
    ),
]
RENAL = 10  # index of 慢性肾衰竭: it turns into dialysis (a chronic condition)

ORDINARY = [  # (diagnosis, ICD-10, median total cost)
    ("胆囊结石伴胆囊炎", "K80.1", 16000),
    ("老年性白内障", "H25.9", 7000),
    ("肺炎", "J18.9", 9000),
    ("腹股沟疝", "K40.9", 10000),
    ("慢性阻塞性肺病急性加重", "J44.1", 12000),
    ("腰椎间盘突出症", "M51.2", 14000),
    ("急性阑尾炎", "K35.9", 11000),
    ("冠状动脉粥样硬化性心脏病", "I25.1", 20000),
    ("2型糖尿病", "E11.9", 8000),
    ("子宫平滑肌瘤", "D25.9", 13000),
]

ACCIDENTS = [
    ("股骨骨折", "S72.0"),
    ("颅脑损伤", "S06.9"),
    ("多发性骨折", "T02.9"),
    ("腰椎骨折", "S32.0"),
]


@dataclass(frozen=True)
class Chronic:
    name: str
    icd: str
    monthly: float  # median total monthly cost, 元
    category: str  # 慢性病 / 特殊病 / 重特大疾病
    register: float  # chance the patient gets the 门诊慢特病 registration
    work: bool  # can still work
    from_age: int


CHRONIC = [
    Chronic("高血压病", "I10", 250, "慢性病", 0.45, True, 35),
    Chronic("糖尿病", "E11.9", 450, "慢性病", 0.55, True, 35),
    Chronic("慢性阻塞性肺疾病", "J44.9", 550, "慢性病", 0.5, True, 50),
    Chronic("冠心病", "I25.1", 600, "慢性病", 0.5, True, 45),
    Chronic("帕金森病", "G20", 800, "特殊病", 0.55, False, 55),
    Chronic("精神分裂症", "F20.9", 450, "特殊病", 0.6, False, 18),
    Chronic("类风湿关节炎", "M06.9", 500, "慢性病", 0.4, True, 30),
    Chronic("肝硬化", "K74.6", 900, "特殊病", 0.5, False, 40),
    Chronic("尿毒症透析", "N18.6", 6500, "重特大疾病", 0.95, False, 20),
    Chronic("癫痫", "G40.9", 350, "特殊病", 0.5, True, 0),
]
DIALYSIS = 8
CHRONIC_WEIGHTS = [0.30, 0.26, 0.10, 0.12, 0.04, 0.05, 0.06, 0.04, 0.03, 0.02]

HOSPITALS = [
    "武汉大学人民医院",
    "武汉大学中南医院",
    "湖北省中医院",
    "武汉市第三医院",
    "武汉市武昌医院",
    "湖北省妇幼保健院",
    "武昌区中医医院",
    "武汉市第七医院",
    "武昌区粮道街社区卫生服务中心",
    "武昌区南湖街社区卫生服务中心",
    "武昌区白沙洲街社区卫生服务中心",
    "武昌区徐家棚街社区卫生服务中心",
]
CLINICS = range(8, 12)  # community health centres: outpatient only

DEATH_OTHER = ["心脏病", "脑血管疾病", "呼吸系统疾病", "恶性肿瘤", "衰老", "其他疾病"]
DISABILITY_TYPES = ["视力", "听力", "言语", "肢体", "智力", "精神", "多重"]
DISABILITY_TYPE_P = [0.12, 0.22, 0.02, 0.35, 0.08, 0.10, 0.11]
