/** Chinese words the screens show for the API's English names (see the glossary). */
import { fieldLabels, labelsOf } from '../../src/domain/field-labels.ts'
import { taskKind } from '../../src/domain/kinds/task.kind.ts'
import { ticketKind } from '../../src/domain/kinds/ticket.kind.ts'
import type { FieldType, Role } from './types.ts'

/** The screen of an item: a ticket (工单) has its own, every other kind the item screen (事项详情). */
export function itemPath(kind: string | null | undefined, id: string): string {
  return kind === 'ticket' ? `/tickets/${id}` : `/items/${id}`
}

export const roleLabel: Record<Role, string> = {
  admin: '系统管理员',
  supervisor: '督查室',
  unit_liaison: '单位联络员',
  leader: '领导',
  operator: '话务员',
}

/** 牵头单位 / 责任单位 / 配合单位 */
export const unitRoleLabel: Record<string, string> = { lead: '牵头单位', responsible: '责任单位', cooperating: '配合单位' }

/**
 * Chinese names of event payload and request fields: the server's one table (src/domain/field-labels.ts, which
 * also names the field in every error's messageZh and `field`), not a copy.
 */
export { fieldLabels as fieldLabel } from '../../src/domain/field-labels.ts'

/**
 * The names of an event's fields as the server's errors give them (src/domain/field-labels.ts labelsOf, over the
 * kind's declaration): the event's own label (报送进展's `text` is 进展情况), else the kind's (a ticket's `lead` is
 * 承办单位, its `text` 答复内容), else the shared table.
 */
export function eventFieldLabels(kind: 'task' | 'ticket', event: string): Readonly<Record<string, string>> {
  return { ...fieldLabels, ...labelsOf(kind === 'ticket' ? ticketKind : taskKind, event) }
}

/** Fallback label by field type when a kind names a field this list does not know. */
export const fieldTypeLabel: Record<FieldType, string> = {
  text: '内容',
  reason: '理由',
  number: '数值',
  flag: '是否',
  date: '日期',
  unit: '单位',
  units: '单位',
  attachments: '附件',
  measures: '指标完成值',
}

/** History (办理记录) labels of the task kind's events; other kinds fall back to the event name. */
export const eventLabel: Record<string, string> = {
  $start: '创建',
  confirm: '确认',
  dispatch: '交办',
  accept: '签收',
  report_progress: '报送进展',
  request_extension: '申请延期',
  approve_extension: '同意延期',
  refuse_extension: '不予延期',
  submit_completion: '报办结',
  approve_completion: '验收办结',
  return_completion: '退回重办',
  return_to_centre: '退单',
  reassign: '改派',
  refuse_return: '驳回退单',
  remind: '催办',
  cancel: '撤销',
  withdraw_dispatch: '撤销下发',
}

/** 延期申请 status. */
export const extensionStatusLabel: Record<string, string> = { pending: '待审批', approved: '已同意', refused: '不予延期' }

/**
 * Short date-time for lists in Beijing time (UTC+8, no daylight saving), whatever the device's time zone: 2026-05-12
 * 14:03. A device set to UTC showed a ticket due 23:59 as 15:59 the same day, and 签收期限 at 03:00.
 */
export function when(iso: unknown): string {
  if (typeof iso !== 'string' || !iso) return ''
  const t = new Date(iso).getTime()
  if (Number.isNaN(t)) return iso
  const d = new Date(t + 8 * 3_600_000)
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}`
}

/** A rate as a percentage (按时办结率 87.5%), or — when nothing counts. */
export function percent(v: number | null | undefined): string {
  return v === null || v === undefined ? '—' : `${(v * 100).toFixed(1)}%`
}

/** States of the task kind (督办任务) for the ledger's state filter; the API labels each row itself. */
export const taskStates: readonly { value: string; label: string }[] = [
  { value: 'dispatched', label: '已交办' },
  { value: 'accepted', label: '办理中' },
  { value: 'extension_requested', label: '延期申请中' },
  { value: 'completion_submitted', label: '已报办结' },
  { value: 'returned_by_unit', label: '已退单' },
  { value: 'closed', label: '已办结' },
  { value: 'cancelled', label: '已撤销' },
]

/** Tag colour of a state by its engine type (open / waiting / closed). */
/**
 * The state tag of an item or ticket: its state, except that one closed past its due date is one 超期办结 tag instead
 * of 已办结 beside a 超期 (which read as if it were still open and late). `late` says the separate 超期 tag is wanted:
 * an open item past due.
 */
export function stateTag(x: { readonly stateType: string; readonly stateLabel: string; readonly overdue?: boolean }): { text: string; type: 'danger' | 'warning' | 'success' | 'primary' | 'info'; late: boolean } {
  if (x.stateType === 'closed' && x.overdue) return { text: '超期办结', type: 'warning', late: false }
  return { text: x.stateLabel, type: stateTagType(x.stateType), late: x.overdue === true }
}

export function stateTagType(stateType: string, overdue = false): 'danger' | 'warning' | 'success' | 'primary' | 'info' {
  if (overdue) return 'danger'
  if (stateType === 'closed') return 'success'
  if (stateType === 'waiting') return 'warning'
  return 'primary'
}

/** Names of the units holding a role, joined for a table cell. */
export function unitsIn(units: readonly { unitName: string; role: string }[], role: string): string {
  return units
    .filter((u) => u.role === role)
    .map((u) => u.unitName)
    .join('、')
}

// ---- 12345 工单 ----

/** 诉求类型, in the desk's order, with the key that picks each (Alt+key on the desk). */
export const requestTypes: readonly { value: import('./types.ts').RequestType; label: string; key: string }[] = [
  { value: 'consultation', label: '咨询', key: '1' },
  { value: 'help', label: '求助', key: '2' },
  { value: 'complaint', label: '投诉', key: '3' },
  { value: 'report', label: '举报', key: '4' },
  { value: 'suggestion', label: '建议', key: '5' },
  { value: 'praise', label: '表扬', key: '6' },
]
export const requestTypeLabel: Record<string, string> = Object.fromEntries(requestTypes.map((t) => [t.value, t.label]))

/** 紧急程度 */
export const urgencies: readonly { value: import('./types.ts').Urgency; label: string }[] = [
  { value: 'urgent', label: '紧急' },
  { value: 'pressing', label: '较急' },
  { value: 'normal', label: '一般' },
]
export const urgencyLabel: Record<string, string> = Object.fromEntries(urgencies.map((t) => [t.value, t.label]))

/** 满意度 */
export const ratings: readonly { value: import('./types.ts').RatingValue; label: string }[] = [
  { value: 'satisfied', label: '满意' },
  { value: 'basically_satisfied', label: '基本满意' },
  { value: 'unsatisfied', label: '不满意' },
]
export const ratingLabel: Record<string, string> = Object.fromEntries(ratings.map((t) => [t.value, t.label]))

/**
 * A duplicate pair's likeness as the operator reads it (相似度高 / 中 / 低; the API's `likeness`). Words, not the
 * similarity's percent: a weighted overlap where most duplicates score 4–30 %, which as a percent reads as "unlike".
 */
export const likenessLabel: Record<string, string> = { high: '高', medium: '中', low: '低' }

/** "相似度高 · 共同词：路灯、井盖" for a duplicate pair. */
export function likenessLine(p: { readonly likeness: string; readonly shared: readonly string[] }): string {
  const level = `相似度${likenessLabel[p.likeness] ?? p.likeness}`
  return p.shared.length ? `${level} · 共同词：${p.shared.join('、')}` : level
}

/** 受理渠道 */
export const channelLabel: Record<string, string> = { phone: '电话', web: '网上', api: '接口', open311: 'Open311' }

/** 时限档次 */
export const tierLabel: Record<string, string> = { urgent: '紧急', pressing: '较急', normal: '一般', consultation: '咨询' }

/** A time limit in words: 7个工作日, 2个工作小时. */
export function limitText(l: { unit: string; amount: number } | null | undefined): string {
  if (!l) return '—'
  const unit: Record<string, string> = { working_days: '个工作日', working_hours: '个工作小时', days: '天', hours: '小时' }
  return `${l.amount}${unit[l.unit] ?? l.unit}`
}

/** States of the ticket kind (工单) for the list's state filter, named as the kind names them (the tags say the same: 待签收, not 已派单). */
export const ticketStates: readonly { value: string; label: string }[] = Object.entries(ticketKind.states).map(([value, s]) => ({ value, label: s.label ?? value }))

/** History labels of the ticket kind's events (the detail shows the API's label when it has one). */
export const ticketEventLabel: Record<string, string> = {
  $start: '受理',
  receive: '受理',
  dispatch: '派单',
  reassign: '改派',
  accept: '签收',
  contact: '联系诉求人',
  reply: '答复',
  return: '退单',
  refuse_return: '驳回退单',
  request_extension: '申请延期',
  approve_extension: '同意延期',
  refuse_extension: '不予延期',
  request_material: '补充材料',
  material_received: '材料已补充',
  cooperate: '协办',
  supervise: '督办',
  follow_up: '回访',
  reopen: '重办',
  close: '办结',
  answer_directly: '直接办结',
  withdraw: '撤单',
  merge: '并单',
  remind: '催办',
  rate: '评价',
}

/** The 数据范围 line a scoped board shows: the topmost units' names, the first 5 and how many more. */
export function scopeLine(scope: { readonly names: readonly string[] } | null | undefined): string | null {
  if (!scope) return null
  const shown = scope.names.slice(0, 5).join('、')
  return `数据范围：${shown}${scope.names.length > 5 ? ` 等${scope.names.length}个单位` : ''}`
}
