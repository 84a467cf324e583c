"""Simplified Chinese UI strings. `python scripts/translations_zh.py` writes them into the
zh_Hans catalogue after `doudi makemessages -l zh_Hans` (English msgids stay in the code)."""

from pathlib import Path

ZH = {
    "Accounts": "账号", "Username": "用户名", "Password": "密码", "Verification code": "验证码",
    "Enter the 6-digit code from your authenticator app.": "请输入身份验证器应用中的6位验证码。",
    "role": "角色", "jurisdiction": "辖区", "department": "部门", "display name": "显示名称",
    "Community assistance officer": "社区救助干事", "Social worker / volunteer": "社工 / 志愿者",
    "Street reviewer": "街道审核人员", "District civil-affairs bureau": "区民政局",
    "Supervisor / auditor": "监督人员", "Department data officer": "部门数据员",
    "Applicant": "申请人", "System administrator": "系统管理员", "Security officer": "安全保密管理员",
    "Account locked": "账户已锁定",
    "Too many failed sign-ins. The account is locked for 30 minutes; your security officer can unlock it sooner.":
        "登录失败次数过多，账户已锁定30分钟；安全保密管理员可以提前解锁。",
    "Back to sign-in": "返回登录", "Sign in": "登录", "Sign in to doudi": "登录兜底平台",
    "For civil-affairs staff, department data officers and applicants. Accounts are locked after 5 wrong passwords.":
        "供民政工作人员、部门数据员和申请人使用。连续5次密码错误将锁定账户。",
    "Second factor": "双因素认证", "Enter your verification code": "请输入验证码",
    "Your role requires a second factor. Scan this code with an authenticator app (or type the key), then enter the 6-digit code it shows.":
        "您的角色须使用双因素认证。请用身份验证器应用扫描二维码（或手动输入密钥），再输入显示的6位验证码。",
    "Key": "密钥",
    "Open your authenticator app and enter the 6-digit code for doudi.": "请打开身份验证器应用，输入兜底平台的6位验证码。",
    "Verify": "验证", "Wrong username or password.": "用户名或密码错误。",
    "The code is wrong or has expired. Try the current code.": "验证码错误或已过期，请输入当前验证码。",
    "Audit log": "审计日志", "Success": "成功", "Denied": "拒绝", "Failure": "失败",
    "audit entry": "审计记录", "audit entries": "审计记录", "Time": "时间", "User": "用户",
    "Action": "操作", "Object": "对象", "Outcome": "结果",
    "Append-only and hash-chained: entries cannot be changed or deleted. Run `doudi audit verify` to check the chain.":
        "审计日志只增不改，以哈希链串联，任何记录都不能修改或删除。运行 `doudi audit verify` 可校验哈希链。",
    "Filter": "筛选", "Pages": "分页", "Previous": "上一页", "Page %(n)s of %(total)s": "第 %(n)s 页，共 %(total)s 页",
    "Next": "下一页", "Registry": "户籍与人口", "Reason for viewing the full ID number": "查看完整身份证号码的理由",
    "Address": "住址", "District": "区", "Street": "街道", "Community": "社区",
    "household register number": "户号", "address": "住址", "Male": "男", "Female": "女",
    "name": "姓名", "ID number": "身份证号码", "sex": "性别", "date of birth": "出生日期", "phone": "联系电话",
    "Head of household": "户主", "Spouse": "配偶", "Child": "子女", "Parent": "父母", "Grandchild": "孙子女",
    "Son- or daughter-in-law": "儿媳 / 女婿", "Sibling": "兄弟姐妹", "Other relative": "其他亲属",
    "relation to head": "与户主关系", ("%(n)s household", "%(n)s households"): "共 %(n)s 户",
    "Household no.": "户号", "Members": "家庭成员", "No household found in your jurisdiction.": "在您的辖区内没有找到家庭。",
    "Viewing recorded in the audit log.": "本次查看已记入审计日志。",
    "Please give a reason of at least 4 characters.": "请填写理由（至少4个字）。",
    "Household": "家庭", "Households": "家庭", "Data sources": "数据来源",
    "Household register (Public Security)": "户籍（公安）", "extract of %(d)s": "%(d)s 数据",
    "Name": "姓名", "Relation to head": "与户主关系", "Sex": "性别", "Date of birth": "出生日期", "Phone": "联系电话",
    "The area code is not in the current division list (retired or new); the number is otherwise valid.":
        "地址码不在现行行政区划代码中（已撤销或新设），号码本身有效。",
    "old area code": "旧地址码", "Show full number": "查看完整号码",
    "Reason (recorded in the audit log)": "理由（记入审计日志）", "Show": "查看",
    "Correct the address": "更正住址", "Save": "保存",
    "Find a household by ID number, name or household number": "按身份证号码、姓名或户号查找家庭",
    "Search": "查找", "Export CSV": "导出 CSV", "Simplified Chinese": "简体中文", "English": "英文",
    "Web": "网页", "Home": "首页", "Summary": "概况", "households": "户", "people": "人",
    "Households by street": "各街道户数", "People": "人数", "Share": "占比", "Role": "角色",
    "Jurisdiction": "辖区", "Active": "启用", "doudi social assistance": "兜底 · 社会救助", "doudi": "兜底",
    "Skip to content": "跳到正文", "Main": "主导航", "Large text": "关怀版（大字）", "Language": "语言",
    "Switch": "切换", "Sign out": "退出",
    "Residents' personal information is protected by law. Every view of sensitive data is recorded.":
        "居民个人信息受法律保护。每一次查看敏感信息都会被记录。",
    "Administrator": "系统管理员", "System administration": "系统管理", "Manage accounts": "管理账号",
    "My application": "我的申请", "Application progress": "申请进度",
    "You have no application yet. Your community officer can help you apply.": "您还没有申请。社区救助干事可以帮您申请。",
    "Auditor": "监督人员", "Supervision and audit": "监督与审计",
    "You can read every record in your jurisdiction but change nothing.": "您可以查看辖区内的全部记录，但不能修改任何内容。",
    "Latest audit entries": "最新审计记录",
    ("%(total)s entry in the audit log.", "%(total)s entries in the audit log."): "审计日志共 %(total)s 条记录。",
    "Open the audit log": "打开审计日志", "District bureau": "区民政局",
    "%(place)s civil-affairs bureau — overview": "%(place)s民政局 — 总览",
    "Monitoring warnings": "监测预警", "No monitoring run yet.": "尚未运行监测。",
    "Data deliveries — %(dept)s": "数据报送 — %(dept)s", "My department's feeds": "本部门数据项",
    "No feeds are configured for your department yet.": "本部门尚未配置数据项。",
    "Community officer": "社区救助干事", "%(place)s — community assistance work": "%(place)s — 社区救助工作",
    "My home visits": "我的入户核查",
    "No home visits assigned yet. Warnings from monitoring will appear here.": "暂无入户核查任务。监测预警会出现在这里。",
    "Service provider": "社工 / 志愿者", "My service assignments": "我的服务任务", "Assignments": "服务任务",
    "No assignments yet. Tutoring, counselling and care visits assigned to you will appear here.":
        "暂无任务。分派给您的学业辅导、心理慰藉和照料探访会出现在这里。",
    "%(place)s — review queue": "%(place)s — 审核队列", "Applications to review": "待审核申请",
    "No applications waiting for review.": "暂无待审核的申请。", "Communities": "社区",
    "Security": "安全管理", "Failed sign-ins and lockouts": "登录失败与锁定", "Failures": "失败次数",
    "Last attempt": "最近一次", "No failed sign-ins.": "没有登录失败记录。",
    "Data intake": "数据汇聚", "Feed": "数据项", "File": "文件",
    "CSV (UTF-8 or GBK), Excel .xlsx, JSON Lines or Parquet; at most 200 MB.":
        "CSV（UTF-8 或 GBK 编码）、Excel .xlsx、JSON Lines 或 Parquet；不超过 200 MB。",
    "Unsupported file type: use .csv, .xlsx, .jsonl or .parquet.":
        "不支持的文件类型：请使用 .csv、.xlsx、.jsonl 或 .parquet。",
    "The file is empty.": "文件为空。",
    "The file is larger than 200 MB; deliver it through the command line or split it.":
        "文件超过 200 MB，请通过命令行报送或拆分后报送。",
    "Command line": "命令行", "Upload page": "上传页面", "Push API": "推送接口", "Corrected rows": "更正重报",
    "Queued": "排队中", "Running": "处理中", "Ingested": "已入库", "Already delivered": "已报送过（未变更）",
    "Failed": "失败", "Interrupted": "已中断", "feed": "数据项", "file": "文件", "Open": "待处理",
    "Corrected and resubmitted": "已更正重报", "Department": "部门", "Last good delivery": "最近成功报送",
    "Freshness limit (days)": "时效要求（天）", "State": "状态", "never": "从未", "stale": "已过期",
    "fresh": "正常", "Location": "位置", "Field": "字段", "Reason": "原因", "View / correct": "查看 / 更正",
    "Status": "状态", "Progress": "进度", "%(n)s rows read": "已读取 %(n)s 行", "Rows read": "读取行数",
    "Accepted": "接收", "Quarantined": "隔离", "Written to the lake": "写入数据湖", "Already known": "已存在（去重）",
    "Problem": "问题", "Duration": "用时", "Quarantined rows": "隔离数据", "Download as CSV": "下载 CSV",
    "Read": "读取", "No deliveries yet.": "暂无报送记录。", "Quarantined row": "隔离数据行",
    "The corrected row was still not accepted:": "更正后的数据仍未通过校验：",
    "Resubmit corrected row": "提交更正", "Data feeds": "数据项", "Deliver a file": "报送文件",
    "Latest deliveries": "最近报送", "All feeds": "全部数据项", ("%(n)s row", "%(n)s rows"): "共 %(n)s 行",
    "Nothing is quarantined.": "没有被隔离的数据。", "Delivery": "报送批次",
    "Choose one of your department's feeds and the file to deliver. Rows with problems are kept aside with the reason, for you to correct; good rows are never lost, and the same file twice changes nothing.":
        "请选择本部门的数据项和要报送的文件。有问题的数据行会被隔离并注明原因，供您更正；正确的数据行不会丢失；同一文件重复报送不会产生任何变化。",
    "Deliver": "报送", "Data freshness": "数据时效",
    ("%(n)s feed is overdue.", "%(n)s feeds are overdue."): "%(n)s 个数据项已超过时效要求。",
    "last delivered %(d)s days ago (limit %(limit)s)": "最近报送于 %(d)s 天前（要求 %(limit)s 天内）",
    "never delivered": "从未报送", "Every feed is within its freshness limit.": "所有数据项均在时效要求之内。",
    "All data feeds": "全部数据项",
    "Identity resolution": "人员比对", "Succeeded": "成功", "Decided": "已判定",
    "Compare two records": "比对两条记录", "Identity review": "人员比对复核",
    "Reason for review": "复核原因", "Match probability": "匹配概率",
    "Why the model scored it so: match weight per comparison": "模型评分依据：各比较项的匹配权重",
    "Basis for your decision (recorded)": "判断依据（记入审计日志）", "Same person": "同一人",
    "Different people": "不是同一人",
    "Run #%(n)s: %(records)s records linked into %(persons)s persons.":
        "第 %(n)s 次比对：%(records)s 条记录归并为 %(persons)s 人。",
    "No identity-resolution run yet.": "尚未运行人员比对。",
    ("%(n)s pair to review", "%(n)s pairs to review"): "待复核 %(n)s 对",
    "Record": "记录", "Compare": "比对",
    "Not found": "页面不存在", "This page does not exist, or it is outside your jurisdiction.":
        "该页面不存在，或不在您的辖区范围内。", "Back to the home page": "返回首页",
    "Not permitted": "无权操作",
    "Your role does not allow this. If you need it for your work, ask your administrator.":
        "您的角色无此权限。如工作需要，请联系系统管理员。",
}


# Monitoring and early warning (issue 5); keys already above keep their translation.
ZH |= {k: v for k, v in {
    "Monitoring and early warning": "动态监测预警", "Monitoring": "监测预警", "Warnings": "预警",
    "Monitoring warnings": "监测预警", "No monitoring run yet.": "尚未运行监测。",
    "Open the warning list": "打开预警列表", "Changed since the last run": "自上次监测以来有变化",
    "District summary": "全区汇总", "Monitoring runs": "监测运行记录", "Monitoring policy": "监测政策",
    ("%(total)s open warning in your jurisdiction.", "%(total)s open warnings in your jurisdiction."):
        "您辖区内有 %(total)s 条未解除预警。",
    "Latest run as of %(d)s.": "最近一次监测数据截至 %(d)s。",
    "Dimensions and caps": "维度与封顶分", "Dimension": "维度", "Cap": "封顶分", "Levels": "预警等级",
    "Level": "等级", "From score": "起始分值", "Indicators": "指标", "Indicator": "指标", "Points": "分值",
    "Hard triggers": "直接触发条件", "Area parameters": "地区参数", "Parameter": "参数", "Area code": "区划代码",
    "Value": "数值", "Unit": "单位", "Effective from": "生效日期", "effective from": "生效日期", "Source": "数据来源",
    "How the two architectures combine": "双架构如何结合", "Status": "状态", "current": "当前",
    "Progress": "进度", "As of": "数据截至", "Policy version": "政策版本", "Statistical model": "统计模型",
    "Engine": "计算引擎", "Households scored": "已评分家庭", "Warned": "预警户数", "Not in the register": "户籍中不存在",
    "Problem": "问题", "the previous warnings stay in force.": "原有预警继续有效。", "Duration": "用时",
    "Changes since the previous run": "与上次监测相比的变化", "New": "新增", "Escalated": "升级", "Eased": "降级",
    "Resolved": "已解除", "Reopened": "重新预警", "By level": "按等级", "By dimension": "按维度", "By street": "按街道",
    "Durations": "各步骤用时", "Warnings changed by this run": "本次监测有变化的预警",
    ("%(n)s warned household is missing from the household register; no warning was made for it.",
     "%(n)s warned households are missing from the household register; no warning was made for them."):
        "%(n)s 户达到预警条件但户籍中不存在，未生成预警。",
    "off": "未启用", "Household no.": "户号", "Score": "分值", "Reasons": "预警原因", "Community": "社区",
    "Since the last run": "较上次", "No warning matches in your jurisdiction.": "您的辖区内没有符合条件的预警。",
    ("%(n)s warning", "%(n)s warnings"): "共 %(n)s 条预警",
    "Change the policy": "修改政策",
    "No policy version yet: the shipped default is saved as version 1 by the first run or the first edit.":
        "尚无政策版本：首次监测或首次修改时将系统默认政策保存为第1版。",
    "History": "历史记录", "Version": "版本", "Reason": "理由", "reason": "理由", "Changed by": "修改人",
    "Saved": "保存时间", "in force": "现行", "scheduled": "待生效", "system": "系统",
    "Version %(n)s is in force today (%(t)s), since %(d)s.": "今天（%(t)s）执行第 %(n)s 版，自 %(d)s 起生效。",
    "Change the monitoring policy": "修改监测政策", "The policy was not saved:": "政策未保存：",
    "Dimension caps": "各维度封顶分", "Level thresholds (score from)": "等级分数线（起始分值）",
    "Indicator points": "指标分值", "Area parameters (money in fen)": "地区参数（金额单位：分）",
    "Save as a new version": "保存为新版本",
    "Edit the whole document as JSON (indicators, triggers, suppression)": "以JSON编辑完整政策（指标、触发条件、屏蔽规则）",
    "Starting from version %(n)s. Saving makes a new version; earlier versions stay in the history, and a version with a future date applies only from that date.":
        "以第 %(n)s 版为基础。保存后生成新版本，旧版本保留在历史记录中；生效日期在将来的版本自该日起执行。",
    "The whole document (JSON)": "完整政策文件（JSON）", "Policy version %(n)s": "政策第 %(n)s 版",
    "Monitoring run": "监测运行", "Run monitoring now": "立即运行监测",
    "Monitoring also runs every day at 02:00. A failed run leaves the previous warnings in force.":
        "系统每天02:00自动运行监测。运行失败时原有预警继续有效。",
    "Run": "运行", "Started by": "发起人", "schedule / command line": "定时任务 / 命令行",
    "Open warnings by street and level": "各街道未解除预警（按等级）",
    "Open warnings per street, by level (the table below has the same numbers).": "各街道未解除预警数（按等级；下表为同一数据）。",
    "Street": "街道", "Total": "合计", "Current run #%(n)s, as of %(d)s.": "当前监测 #%(n)s，数据截至 %(d)s。",
    ("%(total)s open warning.", "%(total)s open warnings."): "未解除预警 %(total)s 条。",
    "Warning": "预警", "Expert scorecard": "专家评分卡",
    "off (not enough home-visit outcomes yet)": "未启用（入户核查结果尚不足）",
    "Hard trigger": "直接触发", "Household record": "家庭档案", "First warned": "首次预警", "last updated": "最近更新",
    "Dimensions": "各维度得分", "Indicators fired": "触发的指标", "suppressed: help already received": "已享受相应救助，不再预警",
    "Date": "日期", "No indicator recorded.": "无指标记录。",
    "Not warned again for (help already received):": "已享受相应救助、不再预警的原因：",
    "Help review: the help this household already receives answers every indicator that "
    "fired, so it is not warned again for them; the statistical model still scores it in "
    "hardship. It stays on the lowest level, for the periodic review of whether its help is "
    "enough.": "在保复核：触发的各项指标均已由该户现有救助覆盖，不再重复预警；统计模型仍判断其"
    "处于困难，因此保留在最低级别，供定期复核时核实现有救助是否足够。",
    "Change": "变化", "No changes recorded.": "无变化记录。",
    "A warning is a reason to visit, not a decision: a home visit verifies every case before any help is granted or changed.":
        "预警只是入户核查的依据，不是决定：任何救助的给予或变更都须先经入户核实。",
    "Warning for household %(h)s": "家庭 %(h)s 的预警", "in force from %(d)s": "自 %(d)s 起生效",
    "%(p)s points": "%(p)s 分",
    "All": "全部", "Reason for the change": "修改理由", "Policy document (JSON)": "政策文件（JSON）",
    "Not valid JSON: %(error)s": "不是有效的JSON：%(error)s",
    "The policy document must be a JSON object.": "政策文件必须是JSON对象。",
    "Queued": "排队中", "Running": "运行中", "Succeeded": "成功", "Failed": "失败", "Open": "未解除",
    "visited on": "走访日期", "hardship confirmed": "确认困难", "note": "备注",
    "Policy version %(n)s saved; in force from %(d)s.": "政策第 %(n)s 版已保存，自 %(d)s 起生效。",
    "trained on %(n)s home-visit outcomes (%(confirmed)s confirmed); cross-validated ROC AUC %(auc)s, average precision %(ap)s":
        "基于 %(n)s 户入户核查结果训练（其中 %(confirmed)s 户确认困难）；交叉验证 ROC AUC %(auc)s，平均精确率 %(ap)s",
    # identity: matching one record (doudi match)
    "Matched: person %(key)s (basis: %(basis)s, probability %(p).3f)": "匹配成功：人员 %(key)s（依据：%(basis)s，概率 %(p).3f）",
    "No match: a new person (threshold %(t).2f)": "未匹配：新人员（阈值 %(t).2f）",
    "Link run %(run)s; candidates: %(n)s": "比对批次 %(run)s；候选人员：%(n)s",
    "  person %(key)s  probability %(p).3f  |  %(weights)s": "  人员 %(key)s  概率 %(p).3f  |  %(weights)s",
    "refused: %(reason)s": "不予匹配：%(reason)s", "resident ID": "身份证号码", "identical record": "相同记录",
    "probabilistic model": "概率模型", "holds a different resident ID": "持有不同的身份证号码",
    "ID conflict: name, sex or birth date disagree": "身份证号码冲突：姓名、性别或出生日期不一致",
    "address / community": "住址 / 社区",
    # identity: households
    "Households: %(register)s persons from the household register, %(relationship)s attached by a relationship, %(address)s by address; %(review)s without a household to decide.":
        "家庭归属：%(register)s 人来自户籍登记，%(relationship)s 人依据亲属关系归户，%(address)s 人依据住址归户；%(review)s 人尚无归属家庭，待人工确定。",
    "Attaching persons to households failed in this run; the next run tries again.":
        "本次运行未能完成人员归户，下次运行将重试。",
}.items() if k not in ZH}


def main() -> None:
    from babel.messages.pofile import read_po, write_po

    path = Path(__file__).resolve().parent.parent / "src/doudi/locale/zh_Hans/LC_MESSAGES/django.po"
    with path.open("rb") as fh:
        catalog = read_po(fh, locale="zh_Hans")
    catalog.fuzzy = False
    missing = []
    for message in catalog:
        if not message.id:
            continue
        text = ZH.get(message.id)
        if text is None:
            missing.append(message.id)
            continue
        message.string = (text,) if message.pluralizable else text
        message.flags.discard("fuzzy")
    with path.open("wb") as fh:
        write_po(fh, catalog, width=100)
    if missing:
        raise SystemExit(f"untranslated: {missing}")


if __name__ == "__main__":
    main()
