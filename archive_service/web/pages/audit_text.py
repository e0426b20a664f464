"""The audit log in office Chinese: actions, objects and the recorded fields in words, changes as
"字段:旧 → 新", values without JSON (no codes, no null, no braces)."""
ACTIONS = {
    "user.login": "登录", "user.locked": "账号锁定", "user.create": "创建用户", "user.update": "修改用户",
    "token.issue": "签发令牌", "token.revoke": "撤销令牌",
    "calendar.override": "设置日历调整", "calendar.override_remove": "删除日历调整",
    "calendar.confirm_year": "确认年度日历", "audit.read": "查阅审计日志",
    "customer.create": "新建客户", "customer.read": "查阅客户",
    "project.create": "新建项目", "project.read": "查阅项目",
    "checklist.set": "修改档案清单模板", "handover.create": "编制移交清单", "handover.edit": "修改清单草稿",
    "handover.read": "查阅移交清单", "handover.print": "打印移交清单", "handover.submit": "A角签字提交",
    "handover.review": "B角审核", "handover.supplement": "A角补充资料", "handover.receive": "档案室接收",
    "handover.refuse": "档案室拒收", "extension.request": "申请延期", "extension.decide": "审批延期",
    "location.create": "新建存放位置", "archive.read": "查阅档案", "archive.move": "移动档案",
    "archive.void": "作废档号", "register.read": "查阅登记本", "numbering.set": "修改档号规则",
    "setting.set": "修改设置", "labels.print": "打印标签", "labels.preview": "预览标签",
    "scans.covers": "打印扫描分隔页", "scan.upload": "上传扫描件", "scan.list": "查看扫描件",
    "scan.download": "下载扫描件", "scan.void": "作废扫描件", "scan.batch": "批量扫描",
    "user.departure": "离职交接", "transfer.print": "打印交接清单", "project.reassign": "变更A角/B角",
    "archive.retention": "变更保管期限", "retention.defaults": "设置默认保管期限", "disposal.create": "编制销毁清单",
    "disposal.decide": "审批销毁清单", "disposal.destroy": "执行销毁", "archive.destroy": "档案销毁",
    "disposal.print": "打印销毁清单",
    "user.logout": "退出登录", "certificate.day_check": "权证日终核对", "certificate.decision": "审批权证出库",
    "certificate.read": "查阅权证", "certificate.release_receipt": "打印权证出库回执",
    "certificate_kind.create": "新建权证类别", "certificate_kind.update": "修改权证类别",
    "certificate_list.create": "编制权证清单", "certificate_list.print": "打印权证清单",
    "certificate_list.return": "退回权证清单", "certificate_list.correct": "A角更正权证清单",
    "certificate_list.sign": "A角重新签字权证清单",
    "certificate_list.read": "查阅权证清单", "export": "导出", "import.ledger": "导入台帐",
    "import.projects": "导入项目", "project.import": "导入项目", "stocktake.start": "开始盘点",
    "stocktake.scan": "盘点扫描", "stocktake.close": "结束盘点", "stocktake.print": "打印盘点表",
    "system.backup": "备份", "system.restore": "恢复",
}
ACTION_GROUPS = {"user.": "账户", "token.": "令牌", "calendar.": "工作日历", "audit.": "审计", "customer.": "客户",
                 "project.": "项目", "handover.": "移交清单", "extension.": "延期", "archive.": "档案",
                 "scan.": "扫描件", "labels.": "标签", "transfer.": "离职交接", "retention.": "保管期限",
                 "disposal.": "鉴定销毁", "certificate": "权证", "stocktake.": "盘点", "import.": "导入",
                 "system.": "系统"}
OBJECTS = {"user": "用户", "calendar_day": "日历日期", "calendar_year": "日历年度", "audit": "审计日志",
           "customer": "客户", "project": "项目", "checklist": "清单模板", "handover": "移交清单",
           "extension": "延期申请", "location": "存放位置", "archive": "档案", "register": "登记本",
           "setting": "设置", "labels": "标签", "scan": "扫描件", "batch": "扫描批次", "transfer": "交接记录",
           "disposal": "销毁清单", "certificate": "权证", "certificate_kind": "权证类别",
           "certificate_list": "权证清单", "stocktake": "盘点"}
FIELDS = {
    "roles": "角色", "display_name": "姓名", "department": "部门", "email": "邮箱", "password": "密码",
    "active": "启用", "minutes": "锁定分钟", "filters": "筛选条件", "actor": "操作人", "action": "操作",
    "object_type": "对象类型", "object_id": "对象编号", "from": "起始", "to": "截止", "kind": "类型",
    "note": "备注", "year": "年度", "items": "项数", "project": "项目", "hash": "签字指纹", "on_time": "按时",
    "decision": "决定", "round": "轮次", "missing": "缺少资料", "added": "新增", "corrected": "更正",
    "answered": "已答复", "archive_no": "档号", "location": "位置", "differences": "差异", "step": "环节",
    "until": "延至", "current_due": "原期限", "reason": "原因", "approve": "同意", "name": "名称",
    "parent": "上级", "pattern": "档号格式", "fonds": "全宗号", "category": "类别", "retention": "保管期限",
    "org": "机构", "codes": "编号", "layout": "版式", "start": "起始位置", "customer_shown": "显示客户",
    "item_id": "清单项", "sha256": "内容摘要", "pages": "页数", "expected_pages": "清单页数",
    "duplicate": "重复上传", "scans": "扫描件数", "filename": "文件名", "files": "归档", "refused_covers": "拒收分隔页",
    "pages_without_cover": "无分隔页的页", "blind_count": "盲点", "title": "名称", "expected": "清单页数",
    "counted": "清点页数", "problem": "问题", "id_number": "证件号", "business": "业务", "amount": "金额",
    "a_user": "A角", "b_user": "B角", "code": "编号", "dates": "日期",
    "successor": "接办人", "leaver": "离职人", "transfer": "交接记录", "moves": "变更", "role": "角色",
    "archive_nos": "档号", "remove_scans": "删除扫描件", "scans_removed": "删除的扫描件", "disposal": "销毁清单",
    "state": "状态", "loan": "小贷", "guarantee": "担保",
    "before": "更正前", "struck": "删除",
}
WORDS = {"accept": "通过", "return": "退回补充", "pages_differ": "页数不符", "not_checked": "未清点",
         "unknown_item": "不在清单中", "checked_twice": "重复清点", "changed": "已修改",
         "a_to_b": "A角移交B角", "b_to_archive": "B角移交档案室", "holiday": "节假日", "workday": "调休上班",
         "permanent": "永久", "30y": "定期30年", "10y": "定期10年"}
ROLE_WORDS = {"admin": "系统管理员", "archivist": "档案管理员", "custodian": "权证管理员", "manager": "客户经理",
              "approver": "有权审批人", "executive": "董事长/总经理", "auditor": "审计"}


USER_FIELDS = {"actor", "a_user", "b_user", "successor", "leaver"}


def value_text(value, key="", names=None):
    """One recorded value as people read it; usernames in user fields by display name."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(value_text(v, key, names) for v in value) or "—"
    if isinstance(value, dict):
        shown = [f"{FIELDS.get(k, k)} {value_text(v, k, names)}" for k, v in value.items() if v not in (None, "")]
        return ",".join(shown) or "—"
    text = str(value)
    if key in USER_FIELDS and names:
        return names.get(text, text)
    return WORDS.get(text) or ROLE_WORDS.get(text) or text


def summary_lines(summary, names=None):
    """["字段:值", "字段:旧 → 新", ...]: a change recorded as [old, new] reads as old → new."""
    lines = []
    for key, value in summary.items():
        label = FIELDS.get(key, key)
        if isinstance(value, list) and len(value) == 2 and key in CHANGE_FIELDS:
            lines.append(f"{label}:{value_text(value[0], key, names)} → {value_text(value[1], key, names)}")
        else:
            lines.append(f"{label}:{value_text(value, key, names)}")
    return lines


CHANGE_FIELDS = {"display_name", "department", "email", "roles", "active"}


def action_choices():
    """Drop-down options: each group (value = its prefix) followed by its actions."""
    options = []
    for prefix, group in ACTION_GROUPS.items():
        options.append((prefix, f"{group}(全部)"))
        options += [(code, f"  {name}") for code, name in ACTIONS.items() if code.startswith(prefix)]
    return options
