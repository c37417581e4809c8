/** Shapes of the API's answers, as far as the screens read them (see /docs/json for the full contract). */

/** 角色 */
export type Role = 'admin' | 'supervisor' | 'unit_liaison' | 'leader' | 'operator'

/** A signed-in user (用户). */
export interface User {
  readonly id: string
  readonly username: string
  readonly displayName: string
  readonly role: Role
  readonly unitId: string | null
  readonly active: boolean
}

/** 单位 */
export interface Unit {
  readonly id: string
  readonly name: string
  readonly parentId: string | null
  readonly level: string
}

/** A unit holding a role on an item (牵头 / 责任 / 配合). */
export interface UnitRef {
  readonly unitId: string
  readonly unitName: string
  readonly role: 'lead' | 'responsible' | 'cooperating' | string
}

/** One row of the ledger (台账). */
export interface LedgerItem {
  readonly id: string
  readonly number: string
  readonly kind: string
  readonly state: string
  readonly stateLabel: string
  readonly stateType: string
  readonly title: string
  readonly planId: string | null
  readonly dueDate: string | null
  readonly overdue: boolean
  readonly units: readonly UnitRef[]
  readonly version: number
  readonly updatedAt: string
}

/** Field types an event may require (see the kind definitions). */
export type FieldType = 'text' | 'reason' | 'number' | 'flag' | 'date' | 'unit' | 'units' | 'attachments' | 'measures'

/** An event the signed-in user may take now. */
export interface AvailableEvent {
  readonly event: string
  readonly label: string
  readonly to: string
  readonly requires: Readonly<Record<string, FieldType>>
  readonly optional: Readonly<Record<string, FieldType>>
}

/** 指标 */
export interface Target {
  readonly metric: string
  readonly comparison: '>=' | '>' | '<=' | '<' | '=' | 'range'
  readonly value: number
  readonly valueTo?: number
  readonly unit: string
  readonly text: string
}

/** One item in full (事项详情). */
export interface ItemDetail extends LedgerItem {
  readonly body: string
  readonly path: readonly string[]
  readonly data: { readonly targets?: readonly Target[]; readonly [k: string]: unknown }
  readonly createdAt: string
  readonly closedAt: string | null
  readonly events: readonly Record<string, unknown>[]
  readonly reports: readonly Record<string, unknown>[]
  readonly extensionRequests: readonly Record<string, unknown>[]
  readonly attachments: readonly { id: string; name: string; size: number; mime: string }[]
  readonly availableEvents: readonly AvailableEvent[]
}

/** A unit named in a plan and what it maps to. */
export interface DraftUnit {
  readonly raw: string
  readonly unitId: string | null
  readonly candidates?: readonly { readonly unitId: string; readonly name: string }[]
}

/** One proposed task of a plan under review (拟立项任务). */
export interface DraftItem {
  readonly n: number
  readonly document: number
  readonly title: string
  readonly text: string
  readonly included: boolean
  readonly units: Readonly<Record<'lead' | 'responsible' | 'cooperating', readonly DraftUnit[]>>
  readonly due: string | null
  readonly dueText: string | null
  readonly targets: readonly Target[]
  readonly flags: readonly string[]
  readonly number?: string
}

/** A plan (工作要点) with its draft ledger. */
export interface Plan {
  readonly id: string
  readonly title: string
  readonly fileName: string
  readonly status: string
  readonly createdAt: string
  readonly items: readonly DraftItem[]
  readonly summary: {
    readonly items: number
    readonly included: number
    readonly unresolvedUnits: readonly string[]
    readonly problems: readonly { n: number; field: string; message: string }[]
  }
}

/** 督办单 */
export interface Notice {
  readonly id: string
  readonly number: string
  readonly itemId: string
  readonly itemNumber: string
  readonly itemTitle: string
  readonly unitIds: readonly string[]
  readonly reason: string
  readonly replyDue: string
  readonly status: 'issued' | 'replied'
  readonly origin: 'manual' | 'ladder'
  readonly issuedAt: string
  readonly replyText: string | null
  readonly repliedAt: string | null
  readonly overdue: boolean
}

/** 通知 */
export interface Notification {
  readonly id: string
  readonly type: string
  readonly title: string
  readonly body: string
  readonly itemId: string | null
  readonly createdAt: string
  readonly readAt: string | null
}

/** A rate with its parts (按时办结率 …); value is null when nothing counts. */
export interface Rate {
  readonly value: number | null
  readonly numerator?: number
  readonly denominator?: number
}

/** One unit's row of the ranking (考核排名). */
export interface AssessmentRow {
  readonly rank: number | null
  readonly unitId: string
  readonly unitName: string
  readonly items: number
  readonly onTime: Rate
  readonly overdue: number
  readonly targetsMet: Rate
  readonly reporting: Rate
  readonly score: number | null
}

/** An assessment of units for a period (考核). */
export interface Assessment {
  readonly period: { readonly key: string; readonly label: string }
  readonly asOf: string
  readonly summary: { readonly items: number; readonly onTime: Rate; readonly overdue: number }
  readonly rows: readonly AssessmentRow[]
}
