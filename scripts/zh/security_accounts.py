"""Simplified Chinese for account management, enrolment, API tokens and lockouts (issue 12)."""

ZH = {
    "You may not make this change.": "您无权进行这项更改。",
    "Account created. The role needs the security officer's approval.":
        "账号已创建。该角色须经安全保密管理员批准后生效。",
    "Account created.": "账号已创建。",
    "Role change requested: the security officer approves or rejects it.":
        "已提交角色变更申请，由安全保密管理员批准或驳回。",
    "Role changed.": "角色已变更。",
    "Choose a role.": "请选择角色。",
    "Account activated.": "账号已启用。",
    "Account deactivated.": "账号已停用。",
    "A role change is decided by a security officer who neither requested it nor holds the account.":
        "角色变更须由另一位安全保密管理员审批（不能是申请人或账号本人）。",
    "Approved.": "已批准。",
    "Rejected.": "已驳回。",
    "Wrong password.": "密码错误。",
    "Your role gets API tokens only after signing in with the second factor.":
        "您的角色须先以双因素认证登录，才能申请接口令牌。",
    "Token revoked.": "令牌已吊销。",
    "Unlocked.": "已解锁。",
    "Saved.": "已保存。",
    "Too many failed sign-ins from this address. Try again in 30 minutes; your security officer can lift the block sooner.":
        "此地址登录失败次数过多，请30分钟后再试；安全保密管理员可以提前解除。",
    "Your account has no role yet: the security officer has not approved it.":
        "您的账号尚未分配角色：安全保密管理员尚未批准。",
    "Use letters, digits and @ . + - _ only.": "只能使用字母、数字和 @ . + - _。",
    "Display name": "显示名称",
    "Role": "角色",
    "Jurisdiction": "辖区",
    "Department": "部门",
    "Initial password": "初始密码",
    "E-mail": "电子邮箱",
    "Name (what the token is for)": "名称（令牌用途）",
    "Scope": "权限范围",
    "Read only": "只读",
    "Data deliveries": "数据报送",
    "scope": "权限范围",
    "token name": "令牌名称",
    "Token name": "令牌名称",
    "Account details": "基本信息",
    "Client address": "地址",
    "account": "账号",
    "Pending approval": "待审批",
    "Approved": "已批准",
    "Rejected": "已驳回",
    "New account": "新建账号",
    "Role changes awaiting the security officer": "待安全保密管理员审批的角色变更",
    "New role": "新角色",
    "Requested by": "申请人",
    "No role change is waiting.": "没有待审批的角色变更。",
    "All accounts": "全部账号",
    "Active": "启用",
    "Yes": "是",
    "No": "否",
    "No role yet": "尚无角色",
    "No record": "无记录",
    "Roles that sign in with two factors (district bureau, auditor, administrator, security officer) are granted only after the security officer approves; the holder then enrols his own second factor through a one-time link.":
        "须双因素登录的角色（区民政局、监督人员、系统管理员、安全保密管理员）须经安全保密管理员批准后才授予；之后由本人通过一次性链接设置自己的第二认证因素。",
    "Create account": "创建账号",
    "Account": "账号",
    "One-time enrolment link (valid 24 hours, shown only now). Hand it to the account holder; it works only after he signs in with his own password:":
        "一次性设置链接（24小时内有效，仅此一次显示）。请交给账号本人；本人须先用自己的密码登录才能使用：",
    "Role change awaiting approval": "待审批的角色变更",
    "Requested: %(role)s (by %(by)s).": "申请变更为：%(role)s（申请人：%(by)s）。",
    "Approve": "批准",
    "Reject": "驳回",
    "Save": "保存",
    "Role and jurisdiction": "角色与辖区",
    "Privileged roles, and any change to a privileged account, take effect only after the security officer approves.":
        "特权角色的授予，以及特权账号的任何角色或辖区变更，须经安全保密管理员批准后才生效。",
    "Change role": "变更角色",
    "Access": "登录权限",
    "Deactivate account": "停用账号",
    "Reactivate account": "重新启用账号",
    "Second factor": "双因素认证",
    "Reset second factor and issue an enrolment link": "重置第二认证因素并签发设置链接",
    "Set up your second factor": "设置第二认证因素",
    "This enrolment link is not valid: it was used, replaced or has expired (24 hours). Ask the security officer for a new one.":
        "此设置链接无效：已使用、已被替换或已过期（24小时）。请向安全保密管理员申请新的链接。",
    "Account %(name)s: first sign in with your password.": "账号 %(name)s：请先输入您的密码。",
    "Continue": "继续",
    "Scan this code with an authenticator app (or type the key), then enter the 6-digit code it shows. The key is shown only to you, only now.":
        "请用身份验证器应用扫描二维码（或手动输入密钥），再输入显示的6位验证码。密钥只向您本人显示，且仅此一次。",
    "Your second factor is not set up yet. Open the one-time enrolment link the security officer gave you; if it has expired, ask for a new one.":
        "您尚未设置第二认证因素。请打开安全保密管理员交给您的一次性设置链接；如已过期，请申请新的链接。",
    "API tokens": "接口令牌",
    "Your new token (shown only now; copy it into the client's configuration):":
        "新令牌（仅此一次显示，请复制到客户端配置中）：",
    "New token": "新令牌",
    "A token expires after %(days)s days and stops working when your role changes.":
        "令牌 %(days)s 天后过期；您的角色变更后立即失效。",
    "Issue token": "签发令牌",
    "Tokens": "令牌",
    "Expires": "到期",
    "Status": "状态",
    "Revoked": "已吊销",
    "Expired": "已过期",
    "Valid": "有效",
    "Revoke": "吊销",
    "No tokens.": "没有令牌。",
    "Failed sign-ins and lockouts": "登录失败与锁定",
    "An account is locked for one address after %(limit)s wrong passwords from that address; sign-ins from other addresses still work.":
        "同一地址连续%(limit)s次密码错误，该账号在该地址被锁定；从其他地址仍可登录。",
    "Failures": "失败次数",
    "Locked": "已锁定",
    "Not locked": "未锁定",
    "Unlock": "解锁",
    "No failed sign-ins.": "没有登录失败记录。",
    "Lockouts": "登录锁定",
    "Accounts and role changes": "账号与角色变更",
    "Manage accounts": "管理账号",
    "Invalid token header.": "令牌格式无效。",
    "Invalid, expired or revoked token.": "令牌无效、已过期或已吊销。",
    "The account is deactivated.": "账号已停用。",
    "The account's role has changed.": "账号的角色已变更。",
    "This role needs a token issued after signing in with the second factor.":
        "该角色的令牌须在双因素认证登录后签发。",
    "This token's scope does not allow this request.": "该令牌的权限范围不允许此请求。",
}

ZH.update({
    "Purpose of viewing": "查看目的",
    "Other (write the reason)": "其他（请写明理由）",
})

ZH.update({
    "Change password": "修改密码",
    "Your password has been changed.": "密码已修改。",
    "Replace the initial password you were given with one only you know (at least 12 characters).":
        "请把收到的初始密码换成只有您自己知道的密码（至少12个字符）。",
})

ZH.update({"My account: password and API tokens": "我的账号：密码与接口令牌"})
