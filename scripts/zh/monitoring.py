"""Simplified Chinese for the calibrated probability of hardship on the warning page (issue 16)."""

ZH = {
    "Probability of hardship": "困难可能性",
    "less than one in ten": "不到一成可能",
    "about one in ten": "约一成可能",
    "about two in ten": "约两成可能",
    "about three in ten": "约三成可能",
    "about four in ten": "约四成可能",
    "about five in ten": "约五成可能",
    "about six in ten": "约六成可能",
    "about seven in ten": "约七成可能",
    "about eight in ten": "约八成可能",
    "about nine in ten": "约九成可能",
    "almost certain": "几乎可以肯定",
    # levels by expected precision; learning from random visits; the promotion gate (issue 16)
    "on %(n)s home-visit outcomes: version %(v)s, not promoted — this run is scored with "
    "version %(before)s": "用 %(n)s 户入户核查结果重新训练：版本 %(v)s，未启用——本次运行使用版本 "
    "%(before)s",
    "Promotion gate": "模型启用检验",
    "promoted: on %(n)s held-back home-visit outcomes its log-loss %(a)s is lower than the "
    "current model's %(b)s": "已启用：在 %(n)s 户留出的入户核查结果上，其对数损失 %(a)s 低于现用模型的 "
    "%(b)s",
    "kept the current model: on %(n)s held-back home-visit outcomes the new model's log-loss "
    "%(a)s is not lower than the current model's %(b)s": "继续使用现用模型：在 %(n)s 户留出的入户核查"
    "结果上，新模型的对数损失 %(a)s 不低于现用模型的 %(b)s",
    "promoted: there was no model in use": "已启用：此前没有在用的模型",
    "kept the current model: %(n)s home-visit outcomes recorded since it was trained, too few "
    "to judge a new model": "继续使用现用模型：其训练后新增 %(n)s 户入户核查结果，不足以检验新模型",
    "%(n)s random verification visits weighted by the inverse of their selection probability": (
        "%(n)s 户随机核查结果按入选概率的倒数加权"
    ),
    "Expected recall": "预计查全率",
    "%(e)s (95%% interval %(low)s–%(high)s): of %(n)s households in hardship found by random "
    "verification visits, %(w)s are warned by this run (weighted by selection probability)": (
        "%(e)s（95%%区间 %(low)s–%(high)s）：随机核查发现的 %(n)s 户困难家庭中，本次运行预警了 %(w)s 户"
        "（按入选概率加权）"
    ),
    "Calibration of the statistical model": "统计模型校准",
    "Home-visit outcomes grouped by tenth of the calibrated probability (cross-validated, "
    "weighted by selection probability); mean gap %(e)s.": "入户核查结果按校准后概率每一成分组"
    "（交叉验证，按入选概率加权）；平均偏差 %(e)s。",
    "Predicted probability": "预测概率",
    "Outcomes": "核查户数",
    "Mean prediction": "平均预测",
    "Share confirmed": "确认困难比例",
    "Chart": "图示",
    "selection probability": "入选概率",
    # where the calibration rests on too few visits (issue 16)
    "(few verification visits at this probability: a rough estimate)": "（此概率段核查走访很少，仅为粗略估计）",
    "Too few home visits to trust the calibration (no random verification visit, or fewer than "
    "10 effective visits) at:": "以下概率段的入户核查太少，校准不可靠（没有随机核查，或有效核查不足 10 户）：",
    "; warnings there show their probability as a rough estimate.": "；这些预警的概率仅为粗略估计。",
}
