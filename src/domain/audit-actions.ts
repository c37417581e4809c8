/**
 * The Chinese names of what the audit log (审计日志) records: every action code the code writes and every kind of
 * record it names. GET /api/audit gives each row its `actionLabel` and `entityLabel` from here, and the web app's
 * 审计日志 screen shows them (and filters by them) instead of the codes. test/audit-action-labels.test.ts reads
 * the source for the action codes written and fails on one without a name here.
 */

/** Action code → what a person calls it. */
export const auditActionLabels: Readonly<Record<string, string>> = {
  // users and sign-in
  'user.login': '登录',
  'user.login.failed': '登录失败',
  'user.logout': '退出登录',
  'user.create': '新建用户',
  'user.update': '修改用户',
  'user.unlock': '解除登录锁定',
  'user.scope': '设置数据范围',
  'user.contact': '修改联系方式',
  // units
  'unit.create': '新建单位',
  'unit.update': '修改单位',
  'unit.import': '导入单位',
  'unit.map': '匹配单位名称',
  'unit.unmap': '取消单位名称匹配',
  'unit.duties': '设置单位职责',
  // plans and items
  'plan.import': '导入计划',
  'plan.edit': '修改计划',
  'plan.edit_item': '修改拟立项任务',
  'plan.collective': '分解集合名称',
  'plan.confirm': '确认立项下发',
  'plan.confirm.undone': '撤销确认立项',
  'plan.cancel': '撤销下发',
  'item.create': '新建事项',
  'item.transition': '事项流转',
  'item.attach': '上传附件',
  'item.expand': '分解为各单位事项',
  'item.report.correct': '更正进展报告',
  // 12345 tickets
  'ticket.receive': '受理工单',
  'ticket.reveal': '查看诉求人信息',
  'ticket.rate': '诉求人评价',
  'ticket.duplicates.detect': '识别重复诉求',
  'ticket.duplicate.merge': '并单',
  'ticket.duplicate.dismiss': '忽略并单建议',
  'catalogue.create': '新增服务目录分类',
  'catalogue.update': '修改服务目录分类',
  'catalogue.retire': '停用服务目录分类',
  'dispatch_rule.create': '新增派单规则',
  'dispatch_rule.update': '修改派单规则',
  'dispatch_rule.retire': '停用派单规则',
  // supervision (督办)
  'supervision.config.save': '保存督办配置',
  'supervision.escalate': '督办升级',
  'supervision.notice.issue': '发出督办单',
  'supervision.notice.reply': '回复督办单',
  'supervision.notice.withdraw': '撤回督办单',
  'supervision.notice.overdue': '督办单逾期未复',
  'supervision.record.interview': '记录约谈',
  'supervision.record.accountability': '记录问责',
  'supervision.record.bulletin': '记录通报',
  'webhook.create': '新建推送订阅',
  'webhook.update': '修改推送订阅',
  'webhook.delete': '删除推送订阅',
  // 知识库
  'knowledge.create': '新建知识库条目',
  'knowledge.edit': '修改知识库条目',
  'knowledge.submit': '提交知识库条目审核',
  'knowledge.approve': '审核通过知识库条目',
  'knowledge.return': '退回知识库条目',
  'knowledge.seed': '导入知识库',
  // settings
  'calendar.year.save': '保存工作日历',
  'office.profile.save': '保存发文单位信息',
  'office.area.save': '保存辖区发文单位信息',
  'assessment.weights.save': '保存考核权重',
}

/** Prefixes the screen's filter offers (a prefix ends with '.'), with their names. */
export const auditActionGroups: readonly { readonly value: string; readonly label: string }[] = [
  { value: 'user.', label: '用户与登录' },
  { value: 'unit.', label: '单位' },
  { value: 'plan.', label: '计划导入' },
  { value: 'item.', label: '事项办理' },
  { value: 'ticket.', label: '12345工单' },
  { value: 'supervision.', label: '督办' },
  { value: 'knowledge.', label: '知识库' },
  { value: 'webhook.', label: '推送订阅' },
  { value: 'calendar.', label: '工作日历' },
  { value: 'office.', label: '发文单位' },
]

/** Kind of record (audit `entity`) → its name. */
export const auditEntityLabels: Readonly<Record<string, string>> = {
  item: '事项',
  plan: '计划',
  user: '用户',
  unit: '单位',
  unit_mapping: '单位名称匹配',
  supervision_notice: '督办单',
  supervision_config: '督办配置',
  webhook_subscription: '推送订阅',
  knowledge_entry: '知识库条目',
  service_category: '服务目录分类',
  dispatch_rule: '派单规则',
  ticket_duplicate: '重复诉求',
  calendar_year: '工作日历',
  office_profile: '发文单位信息',
  area_office: '辖区发文单位信息',
  assessment_weights: '考核权重',
}

/** The name of an action code; the code itself for one no one named (the source test keeps that from happening). */
export function auditActionLabel(code: string): string {
  return Object.hasOwn(auditActionLabels, code) ? auditActionLabels[code]! : code
}

/** The name of a kind of record; the code itself for one not named. */
export function auditEntityLabel(entity: string): string {
  return Object.hasOwn(auditEntityLabels, entity) ? auditEntityLabels[entity]! : entity
}
