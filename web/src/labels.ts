/** Chinese words the screens show for the API's English names (see the glossary). */
import type { FieldType, Role } from './types.ts'

export const roleLabel: Record<Role, string> = {
  admin: '系统管理员',
  supervisor: '督查室',
  unit_liaison: '单位联络员',
  leader: '领导',
  operator: '话务员',
}

/** 牵头单位 / 责任单位 / 配合单位 */
export const unitRoleLabel: Record<string, string> = { lead: '牵头单位', responsible: '责任单位', cooperating: '配合单位' }

/** Labels of event payload fields the task and ticket kinds use. */
export const fieldLabel: Record<string, string> = {
  text: '内容',
  reason: '理由',
  newDue: '申请完成时间',
  due: '完成时间',
  lead: '牵头单位',
  responsible: '责任单位',
  cooperating: '配合单位',
  measures: '指标完成值',
  attachments: '附件',
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
}

/** 延期申请 status. */
export const extensionStatusLabel: Record<string, string> = { pending: '待审批', approved: '已同意', refused: '不予延期' }

/** Short local date-time for lists: 2026-05-12 14:03. */
export function when(iso: unknown): string {
  if (typeof iso !== 'string' || !iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  const p = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`
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
