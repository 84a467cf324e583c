"""Simplified Chinese for hard triggers that check resources (issue 16 item 3)."""

ZH = {
    "Triggers and resources": "触发与家庭资源",
    "Triggered: %(name)s; the level is raised.": "触发：%(name)s；提升预警等级。",
    "Triggered: %(name)s; what is left is about %(left)s yuan a person and month, at or below "
    "the line of %(line)s yuan: the level is raised.": "触发：%(name)s；家庭剩余收入人均每月约"
    "%(left)s元，不高于%(line)s元的线，提升预警等级。",
    "Triggered: %(name)s; the household has assets: %(points)s points added only.": "触发："
    "%(name)s；家庭有资产，仅加%(points)s分。",
    "Triggered: %(name)s; the other members' income and help held, about %(left)s yuan a person "
    "and month, are still above the line of %(line)s yuan: %(points)s points added only.": "触发："
    "%(name)s；其他成员收入及已享救助人均每月约%(left)s元，仍高于%(line)s元的线，仅加%(points)s分。",
    "A home visit on %(day)s confirmed hardship: the household stays listed at the warning level "
    "at least until help answers its causes.": "%(day)s入户核查确认困难：在救助解决其致困原因之前，"
    "该户至少列为预警。",
    "A home visit on %(day)s found no hardship; the household is listed again because something "
    "new was recorded after the visit.": "%(day)s入户核查未发现困难；核查后出现新的情况，故再次列入。",
}
