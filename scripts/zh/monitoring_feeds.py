"""Simplified Chinese for the feeds a monitoring run found missing, late or partial (issue 16)."""

ZH = {
    "Feeds missing, late or partial": "缺失、滞后或不完整的数据",
    "Every feed the policy reads was delivered, current and complete.": (
        "策略读取的各项数据均已报送、及时且完整。"
    ),
    "missing": "缺失",
    "late": "滞后",
    "partial": "不完整",
    "no data delivered: the indicators reading it cannot fire": "未报送数据：依赖它的指标无法触发",
    "newest data %(newest)s, last delivered %(delivered)s (freshness limit %(days)s days)": (
        "最新数据为 %(newest)s，最近报送 %(delivered)s（时效要求 %(days)s 天）"
    ),
    "covers from %(oldest)s only; its indicators read from %(needed)s": (
        "仅覆盖 %(oldest)s 起的数据；其指标需读取 %(needed)s 起的数据"
    ),
    "estimated change without it (measured on the synthetic test district): recall "
    "%(r_all)s / %(r_warning)s points, precision %(p_all)s / %(p_warning)s points "
    "(all levels / 预警 and above)": (
        "缺少该数据时的预计变化（在合成测试区测得）：召回率 %(r_all)s / %(r_warning)s 个百分点，"
        "精确率 %(p_all)s / %(p_warning)s 个百分点（全部等级 / 预警及以上）"
    ),
    "%(share)s of the households home visits confirmed in hardship are warned on its data "
    "in this run": "入户核实确认困难的家庭中，有 %(share)s 在本次运行中依据该数据预警",
    (" (%(n)s indicator reads it)", " (%(n)s indicators read it)"): "（%(n)s 项指标读取该数据）",
}
