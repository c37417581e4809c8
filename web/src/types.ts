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
  /** 来源: each outline level with its heading's text (absent from an older server). */
  readonly source?: readonly { marker: string; title: string | null }[]
  readonly data: { readonly targets?: readonly Target[]; readonly [k: string]: unknown }
  readonly createdAt: string
  readonly closedAt: string | null
  readonly events: readonly Record<string, unknown>[]
  readonly reports: readonly Record<string, unknown>[]
  readonly extensionRequests: readonly Record<string, unknown>[]
  readonly attachments: readonly { id: string; name: string; size: number; mime: string }[]
  readonly availableEvents: readonly AvailableEvent[]
  /** Set when the due date falls in a year the calendar does not hold (unverified). */
  readonly calendarNotice?: { readonly missingYears: readonly number[]; readonly message: string } | null
}

/** A unit named in a plan and what it maps to. */
export interface DraftUnit {
  readonly raw: string
  readonly unitId: string | null
  readonly candidates?: readonly { readonly unitId: string; readonly name: string; readonly confidence?: number }[]
  /** How sure the match is (0–1); 1 for a person's choice. */
  readonly confidence?: number
  /** exact, mapping, normalised, function, collective, similar, none, person. */
  readonly method?: string
  /** A collective name (各街道): the units it stands for. */
  readonly members?: readonly string[]
  readonly note?: string
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
  /** The documents of the file, each with the place it speaks for (辖区): units resolve only inside it. */
  readonly documents?: readonly { readonly index: number; readonly title: string; readonly chosen: boolean; readonly jurisdiction?: { readonly unitId: string | null; readonly name: string } | null }[]
  /** Other plans imported from the same document (import and GET answers only). */
  readonly sameContent?: readonly { id: string; title: string; fileName: string; status: string; createdAt: string }[]
}

/** 督办单 */
export interface Notice {
  readonly id: string
  readonly number: string
  readonly itemId: string
  readonly itemNumber: string
  readonly itemTitle: string
  /** The item's kind: a ticket's link opens the ticket screen. */
  readonly itemKind?: string
  readonly unitIds: readonly string[]
  readonly reason: string
  readonly replyDue: string
  readonly status: 'issued' | 'replied' | 'withdrawn'
  readonly origin: 'manual' | 'ladder'
  readonly issuedAt: string
  readonly replyText: string | null
  readonly repliedAt: string | null
  readonly withdrawReason?: string | null
  readonly overdue: boolean
}

/** 通知 */
export interface Notification {
  readonly id: string
  readonly type: string
  readonly title: string
  readonly body: string
  readonly itemId: string | null
  /** The item's kind: a ticket's link opens the ticket screen. */
  readonly itemKind?: string | null
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
  /** The changes the counters do not hold yet (the scheduler drains them): while `pending` > 0 the table is not final. */
  readonly counters?: { readonly pending: number; readonly more: boolean; readonly pendingSince: string | null }
}

// ---- 12345 工单 (tickets): shapes from docs/tickets.md ----

export type RequestType = 'consultation' | 'help' | 'complaint' | 'report' | 'suggestion' | 'praise'
export type Urgency = 'urgent' | 'pressing' | 'normal'
export type RatingValue = 'satisfied' | 'basically_satisfied' | 'unsatisfied'

/** A time limit (时限): `{unit: 'working_days', amount: 5}`. */
export interface TimeLimit {
  readonly unit: string
  readonly amount: number
}

/** One ticket (工单) as the API shows it; the requester's name and phone are masked. */
export interface TicketView {
  readonly id: string
  readonly number: string
  readonly kind: 'ticket'
  readonly state: string
  readonly stateLabel: string
  readonly stateType: string
  readonly version: number
  readonly channel: string
  readonly requestType: RequestType
  readonly categoryCode: string
  readonly categoryPath: readonly string[]
  readonly urgency: Urgency
  readonly anonymous: boolean
  readonly requesterName: string | null
  readonly requesterPhone: string | null
  readonly address: string
  readonly lat: number | null
  readonly lng: number | null
  readonly placeUnitId: string | null
  readonly placeUnitName: string | null
  readonly content: string
  readonly lead: { readonly id: string; readonly name: string } | null
  readonly cooperating: readonly { readonly id: string; readonly name: string }[]
  readonly receivedAt: string
  readonly dueAt: string | null
  readonly acceptDueAt: string | null
  readonly overdue: boolean
  readonly limits: Readonly<Record<string, TimeLimit>>
  readonly reply: { readonly text: string; readonly at: string } | null
  readonly followUp: { readonly rating: RatingValue | null; readonly resolved: boolean | null; readonly at: string } | null
  readonly citizenRating: { readonly rating: RatingValue; readonly comment?: string | null; readonly at: string } | null
  readonly counters: Readonly<Record<string, number>>
  readonly flags: { readonly problem: boolean; readonly reason?: string }
  /** 重复诉求 / 并单: merged into / from, proposals waiting, 多次重复诉求. */
  readonly duplicates?: {
    readonly mergedInto: { readonly id: string; readonly number: string } | null
    readonly mergedFrom: readonly { readonly id: string; readonly number: string }[]
    readonly proposed: number
    readonly repeated: { readonly asks: number } | null
    readonly requesterNotice: string | null
  }
  readonly availableEvents: readonly AvailableEvent[]
}

/** A ticket in full (工单详情). */
export interface TicketDetail extends TicketView {
  readonly history: readonly Record<string, unknown>[]
  readonly attachments: readonly { id: string; name: string; size: number; mime: string }[]
  readonly notices: readonly Notice[]
  /** SMS to the requesters of its handling (并单告知, 答复): its own and those of tickets merged into it. */
  readonly requesterMessages?: readonly RequesterMessage[]
  /** 市民评价 of every reply round (重办 brings a new reply, rated again), oldest first; GET /:id only. */
  readonly citizenRatings?: readonly { readonly replyAt: string; readonly rating: RatingValue; readonly comment: string | null; readonly at: string }[]
}

/** A message to a requester (诉求人短信) as the ticket page shows it. */
export interface RequesterMessage {
  readonly id: string
  readonly ticket: { readonly id: string; readonly number: string }
  readonly purpose: 'merge_notice' | 'reply'
  readonly text: string
  readonly phone: string | null
  readonly at: string
  readonly delivery: 'waiting' | 'unsent' | 'pending' | 'delivered' | 'failed'
}

/** One node of the service catalogue (服务目录). */
export interface CategoryNode {
  readonly code: string
  readonly name: string
  readonly level: number
  /** Limits by tier after inheritance from the parents. */
  readonly timeLimits: Readonly<Record<string, TimeLimit>> | null
  /** The category's own limits (null: all inherited); absent from a version row. */
  readonly ownTimeLimits?: Readonly<Record<string, TimeLimit>> | null
  readonly function: string | null
  readonly townshipDuty: boolean
  /** 群众常说的说法 the desk's category search matches besides the name (欠薪 for 拖欠工资); absent from older servers. */
  readonly keywords?: readonly string[]
  readonly version: number
  readonly description?: string
  readonly active?: boolean
  readonly createdAt?: string
  readonly createdBy?: string | null
  readonly parentCode?: string | null
  readonly children?: readonly CategoryNode[]
}

/** A dispatch rule (派单规则). */
export interface DispatchRule {
  readonly id: string
  readonly version: number
  readonly categoryCode: string
  readonly placeUnitId: string | null
  readonly unitId: string | null
  readonly byFunction: string | null
  readonly priority: number
  readonly basis: string
  readonly active?: boolean
}

/** What the public lookup shows (查询). */
export interface PublicLookup {
  readonly number: string
  readonly stateLabel: string
  readonly status: 'open' | 'closed'
  readonly receivedAt: string
  readonly categoryName: string
  readonly reply: { readonly text: string; readonly at: string } | null
  readonly rating: { readonly rating: RatingValue; readonly comment: string | null; readonly at: string } | null
  /** Every round's rating, oldest first (one per reply rated). */
  readonly ratings?: readonly { readonly rating: RatingValue; readonly comment: string | null; readonly at: string; readonly replyAt: string }[]
  /** The reply shown has no rating yet: offered again after 重办's next reply. */
  readonly canRate: boolean
  readonly canWithdraw: boolean
  /** 申请重办 with a reason is open (after the reply, within the 回访 window, not rated 满意 / 基本满意). */
  readonly canReopen?: boolean
  /** The end of that window. */
  readonly reopenUntil?: string | null
  /** Merged (并单) into another request: its number, and what the requester was told. */
  readonly merged?: { readonly intoNumber: string; readonly notice: string | null } | null
}

/** A rate with numerator and denominator; value null when nothing counts. */
export interface KpiRate {
  readonly value: number | null
  readonly numerator: number
  readonly denominator: number
}

/** The hotline KPIs of one unit, or the totals. */
export interface HotlineKpiRow {
  readonly unitId?: string
  readonly unitName?: string
  readonly volume: number
  readonly dispatches: number
  readonly returns: number
  readonly replies: number
  readonly followUps: number
  readonly reopens: number
  readonly onTimeAcceptance: KpiRate
  readonly response: KpiRate
  readonly onTimeCompletion: KpiRate
  readonly resolution: KpiRate
  readonly satisfaction: KpiRate
  readonly reopenRate: KpiRate
  readonly returnRate: KpiRate
}

/** A hot topic (热点): a category or a place whose count rose against the previous period. */
export interface HotTopic {
  readonly key: string
  readonly name: string
  readonly count: number
  readonly previous: number
  readonly rise: number
  readonly riseRate: number | null
  readonly path?: readonly string[]
}

/** The answer of GET /api/hotline/kpis (src/adapters/http/hotline-kpi.schema.ts). */
export interface HotlineKpis {
  readonly period: { readonly from: string; readonly to: string }
  readonly previous?: { readonly from: string; readonly to: string }
  readonly asOf: string
  readonly groupBy: string
  /** `received` every request; `merged` those merged into another ticket (并单); `handlings` = received − merged. */
  readonly totals: HotlineKpiRow & { readonly received: number; readonly merged?: number; readonly handlings?: number }
  readonly units: readonly HotlineKpiRow[]
  readonly trend: readonly {
    readonly bucket: string
    readonly received: number
    readonly dispatched: number
    readonly replied: number
    readonly repliedOnTime: number
    readonly followUps: number
    readonly satisfied: number
    readonly reopens: number
    readonly returns: number
  }[]
  readonly categories: readonly { readonly code: string; readonly name: string; readonly level: number; readonly count: number; readonly previous: number }[]
  readonly places: readonly { readonly unitId: string; readonly name: string; readonly level: string; readonly count: number; readonly previous: number }[]
  readonly hotTopics: { readonly categories: readonly HotTopic[]; readonly places: readonly HotTopic[] }
  readonly problemTickets: readonly {
    readonly itemId: string
    readonly number: string
    readonly state: string
    readonly stateType: string
    readonly categoryCode: string | null
    readonly reason: 'reopened' | 'passed_around'
    readonly reopens: number
    readonly reassignments: number
    readonly unitId: string | null
    readonly unitName: string | null
    readonly raisedAt: string | null
  }[]
  /** The data scope (数据范围) the board is limited to: the units covered, the names of the topmost; null = every unit. */
  readonly scope?: BoardScope | null
}

/** A board's data scope as the API answers it (GET /api/hotline/kpis, GET /api/hotspots). */
export interface BoardScope {
  readonly unitIds: readonly string[]
  readonly names: readonly string[]
}
