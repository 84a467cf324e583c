"""Simplified Chinese for running doudi on a bureau's own data: held snapshots, unknown
community codes (issue 14)."""

ZH = {
    "Needs confirmation": "待确认",
    "Withdrawn": "已撤回",
    "Held because": "暂缓启用原因",
    "Columns not recognised (ignored)": "未识别的列（已忽略）",
    "The previous snapshot stays in force until you decide.": "在您确认或撤回之前，继续使用上一版全量数据。",
    "Confirm: put this delivery in force": "确认无误，启用这批数据",
    "Withdraw this delivery": "撤回这批数据",
    "This delivery is not waiting for confirmation.": "这批数据不在待确认状态。",
    "Community codes": "社区代码映射",
    "Community code as delivered": "报送的社区代码",
    "Unknown codes": "未识别的代码",
    "Households delivered with a community code the reference table does not know wait in the unassigned community; they are monitored all the same. Map each code to its community: its households move now and in every later delivery.": "社区代码不在区划参考表中的家庭暂归入“未分配社区”，照常纳入监测。请把每个代码映射到所属社区：这些家庭立即转入该社区，以后报送的数据也按此归属。",
    "No household waits in the unassigned community.": "目前没有家庭在未分配社区中。",
    "Map a code": "映射代码",
    (
        "%(n)s unknown community code waits to be mapped",
        "%(n)s unknown community codes wait to be mapped",
    ): "%(n)s 个未识别的社区代码待映射",
    "Save the mapping": "保存映射",
    "Mapped codes": "已映射的代码",
    "Code %(code)s now maps to %(community)s: %(n)s households moved.": "代码%(code)s已映射到%(community)s：%(n)s户已转入。",
}
