/**
 * The Chinese names of the fields a request, a file or a configuration has (字段中文名): one table for the
 * server's error messages (DubanError.userMessage names the field by it, and the HTTP error body carries it as
 * `field`) and for the web app, which shows `field` and keeps no table of its own. Where the kind and the event
 * are known, a field's name is resolved per (kind, event, field) by `labelsOf`: the event's own label
 * (kind.events[event].fieldLabels: the task's `text` on 报送进展 is 进展情况), else the kind's (kind.fields[name].label:
 * the task's `text` is 任务内容, the ticket's 答复内容), else this table.
 */
import type { KindDef } from './workflow/kind.types.ts'

/** English property name → Chinese name (see the glossary for the domain words). */
export const fieldLabels: Readonly<Record<string, string>> = {
  // event payloads (task and ticket kinds)
  text: '内容',
  reason: '理由',
  newDue: '申请完成时间',
  due: '完成时间',
  lead: '牵头单位',
  responsible: '责任单位',
  cooperating: '配合单位',
  measures: '指标完成值',
  attachments: '附件',
  attachmentIds: '附件',
  attachmentId: '附件',
  rating: '满意度',
  resolved: '是否解决',
  mergedInto: '并入工单',
  into: '并入工单',
  answer: '答复内容',
  contactedAt: '联系时间',
  material: '所需材料',
  channel: '受理渠道',
  comment: '意见',
  knowledgeEntry: '知识库条目',
  expectedVersion: '版本号',
  event: '操作',
  // 12345 intake and lookup
  number: '编号',
  phone: '手机号码',
  requesterPhone: '联系电话',
  requesterName: '诉求人',
  content: '诉求内容',
  categoryCode: '诉求分类',
  requestType: '诉求类型',
  urgency: '紧急程度',
  tier: '时限档次',
  limits: '时限',
  handle: '办理时限',
  accept: '签收时限',
  respond: '响应时限',
  address: '地址',
  dispatch: '派单',
  duties: '职责',
  // files and documents
  file: '文件',
  documents: '文件',
  contentBase64: '文件内容',
  raw: '文件内容',
  line: '行',
  // users, units, sign-in
  username: '用户名',
  password: '密码',
  displayName: '姓名',
  role: '角色',
  roles: '角色',
  unitId: '单位',
  unitIds: '单位',
  issuingOffice: '落款',
  bulletinPrefix: '通报文号前缀',
  noticePrefix: '督办通知单文号前缀',
  parentId: '上级单位',
  user: '用户',
  reviewer: '审核人',
  email: '邮箱',
  // items, plans, ledger
  id: '编号',
  itemId: '事项',
  itemIds: '事项',
  items: '事项',
  title: '标题',
  kind: '事项类型',
  status: '状态',
  state: '状态',
  code: '代码',
  name: '名称',
  label: '名称',
  mode: '方式',
  reportId: '进展报告',
  dueForUndated: '未定时限事项的完成时间',
  targets: '目标值',
  // supervision (督办配置, 督办单)
  replyWorkingDays: '回复时限',
  warnBefore: '临期提醒',
  ladder: '升级梯度',
  afterDueWorkingDays: '逾期后工作日数',
  action: '升级动作',
  reporting: '报送频次',
  every: '报送周期',
  day: '报送日',
  weekday: '星期',
  noticeReplyWorkingDays: '督办单回复时限',
  reportGraceWorkingDays: '首报宽限',
  // assessment, KPIs, queries
  period: '考核周期',
  weights: '权重',
  overduePenalty: '逾期扣分',
  groupBy: '分组方式',
  from: '起始时间',
  to: '截止时间',
  quarter: '季度',
  limit: '条数',
  q: '关键词',
  // calendar (工作日历)
  year: '年份',
  years: '年份',
  heldOn: '日期',
  holidays: '节假日',
  source: '发文字号',
  adjustedWorkdays: '调休上班日',
  dates: '日期',
  periods: '时段',
  start: '开始',
  end: '结束',
  hours: '工作时间',
  // webhooks and channels
  url: '地址',
  events: '事件',
  eventTypes: '事件类型',
  active: '是否启用',
  secret: '密钥',
  enabled: '是否启用',
  description: '说明',
}

/** What `labelsOf` reads of a kind: its fields' labels and its events' field labels (both declared in the kind). */
export type LabelledKind = Pick<KindDef, 'fields' | 'events'>

/**
 * The names a kind gives its fields on one event (字段中文名, per kind and event): the event's `fieldLabels` over
 * the kind's field labels; pass it as `own` to fieldLabelOf, whose shared table covers the rest.
 */
export function labelsOf(kind: LabelledKind, event?: string): Readonly<Record<string, string>> {
  const own: Record<string, string> = {}
  for (const [name, f] of Object.entries(kind.fields)) own[name] = f.label
  const ev = event !== undefined && Object.hasOwn(kind.events, event) ? kind.events[event] : undefined
  for (const [name, label] of Object.entries(ev?.fieldLabels ?? {})) own[name] = label
  return own
}

/** Parts of a path that only say where in the request a field sits. */
const CONTAINERS = new Set(['body', 'payload', 'querystring', 'query', 'params', 'header', 'headers', '(root)', 'request'])

/**
 * The Chinese name of the field a `where` path points at: each labelled part of the path in order, a part's
 * index as 第n项 (`ladder[2].label` → 升级梯度第3项的名称, `payload.newDue` → 申请完成时间, `body/due` → 完成时间);
 * `own` (a kind's field labels) first. Null when no part of the path has a name here.
 */
export function fieldLabelOf(where: string | undefined | null, own?: Readonly<Record<string, string>>): string | null {
  if (!where) return null
  const named: string[] = []
  for (const part of where.split(/[./]/)) {
    const m = /^([^[\]]*)((?:\[\d+\])*)$/.exec(part)
    const key = m?.[1] ?? part
    if (CONTAINERS.has(key)) continue
    const label = (own && Object.hasOwn(own, key) ? own[key] : undefined) ?? (Object.hasOwn(fieldLabels, key) ? fieldLabels[key] : undefined)
    if (!label) continue
    const indexes = [...(m?.[2] ?? '').matchAll(/\[(\d+)\]/g)].map((x) => `第${Number(x[1]) + 1}项`).join('')
    named.push(label + indexes)
  }
  return named.length > 0 ? named.join('的') : null
}
