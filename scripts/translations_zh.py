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
