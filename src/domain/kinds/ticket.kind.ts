/**
 * The 12345 hotline ticket kind (12345 工单): received (受理) by an operator or from the public, answered on the
 * call (直接办结) or dispatched (派单) to a unit, accepted (签收), the requester contacted (联系), handled and
 * replied to (答复), followed up by the centre (回访), closed (办结) — with return (退单) reviewed by the centre
 * (改派 / 驳回), extension (延期), a wait for material from the requester (补充材料), cooperating units (协办),
 * supervision (督办单), reopening (重办) after an unsatisfied follow-up, and withdrawal (撤回) by the requester
 * before a unit accepts it.
 *
 * Time limits come from the ticket itself: intake copies the catalogue's limits for the ticket's tier into
 * `data.limits` ({handle, accept, respond}), and the clocks read them (`fromData`), so a later catalogue edit
 * never moves a running ticket's clock. The handling clock pauses during a 补充材料 wait and while an
 * extension request waits for its decision; its due moves later by the paused working time.
 */
import type { KindDef, TransitionDef } from '../workflow/kind.types.ts'

/** States in which a unit holds the ticket and the centre may press it (督办). */
const LIVE_STATES = ['dispatched', 'accepted', 'return_requested', 'extension_requested', 'material_requested']

const transitions: readonly TransitionDef[] = [
  {
    from: ['received'],
    event: 'dispatch',
    to: 'dispatched',
    roles: ['operator'],
    requires: { lead: 'unit' },
    optional: { cooperating: 'units' },
    effects: ['assign:lead', 'assign:cooperating', 'notify:assignees'],
  },
  // A 咨询 answered on the call: the operator closes it with the answer given (and the knowledge entry used).
  {
    from: ['received'],
    event: 'answer_directly',
    to: 'closed',
    roles: ['operator'],
    requires: { text: 'text' },
    optional: { knowledgeEntry: 'text' },
    // The answer is sent to the requester (and to those of tickets merged into this one) by SMS.
    effects: ['assign:text', 'assign:knowledgeEntry', 'shareReply'],
  },
  // 并单 only through the duplicates use-case (POST /api/tickets/{id}/merge, /api/duplicates/{id}/merge), which also
  // records the link and the requester's notice: the generic event route refuses it.
  { from: ['received'], event: 'merge', to: 'merged', roles: ['operator'], requires: { mergedInto: 'text' }, effects: ['assign:mergedInto'], via: 'duplicates' },
  // The requester withdraws (撤回) while no unit has accepted the ticket; the public page acts as role citizen.
  {
    from: ['received', 'dispatched'],
    event: 'withdraw',
    to: 'withdrawn',
    roles: ['citizen'],
    actorMustBe: 'requester',
    optional: { reason: 'reason' },
    effects: ['assign:reason', 'notify:lead'],
  },
  { from: ['dispatched'], event: 'accept', to: 'accepted', roles: ['unit_liaison'], actorMustBe: 'assignee_lead' },
  // 联系诉求人: the unit's first contact with the requester stops the respond clock (响应).
  {
    from: ['accepted'],
    event: 'contact',
    roles: ['unit_liaison'],
    actorMustBe: 'assignee_lead',
    optional: { text: 'text' },
    effects: ['count:contacts'],
  },
  {
    from: ['dispatched', 'accepted'],
    event: 'return',
    to: 'return_requested',
    roles: ['unit_liaison'],
    actorMustBe: 'assignee_lead',
    requires: { reason: 'reason' },
    effects: ['assign:reason', 'count:returns', 'notify:operator'],
  },
  {
    from: ['return_requested'],
    event: 'reassign',
    to: 'dispatched',
    roles: ['operator'],
    requires: { lead: 'unit' },
    optional: { cooperating: 'units' },
    guards: ['leadChanges'],
    effects: ['assign:lead', 'assign:cooperating', 'count:reassignments', 'notify:assignees', 'notify:previous_lead'],
  },
  { from: ['return_requested'], event: 'refuse_return', to: 'dispatched', roles: ['operator'], requires: { reason: 'reason' }, effects: ['notify:lead'] },
  {
    from: ['accepted'],
    event: 'request_extension',
    to: 'extension_requested',
    roles: ['unit_liaison'],
    actorMustBe: 'assignee_lead',
    requires: { reason: 'reason', newDue: 'date' },
    guards: ['newDueAfterHandlingDue'],
    effects: ['holdExtension', 'notify:operator'],
  },
  {
    from: ['extension_requested'],
    event: 'approve_extension',
    to: 'accepted',
    roles: ['operator', 'supervisor'],
    optional: { reason: 'reason' },
    effects: ['recordExtension:handle', 'notify:lead'],
  },
  {
    from: ['extension_requested'],
    event: 'refuse_extension',
    to: 'accepted',
    roles: ['operator', 'supervisor'],
    requires: { reason: 'reason' },
    effects: ['dropExtension', 'notify:lead'],
  },
  // 补充材料: the unit asks the requester (through the centre) for material; the handling clock pauses.
  {
    from: ['accepted'],
    event: 'request_material',
    to: 'material_requested',
    roles: ['unit_liaison'],
    actorMustBe: 'assignee_lead',
    requires: { text: 'text' },
    effects: ['notify:operator'],
  },
  {
    from: ['material_requested'],
    event: 'material_received',
    to: 'accepted',
    roles: ['operator'],
    optional: { text: 'text', attachments: 'attachments' },
    effects: ['notify:lead'],
  },
  {
    from: ['material_requested'],
    event: 'material_received',
    to: 'accepted',
    roles: ['unit_liaison'],
    actorMustBe: 'assignee_lead',
    optional: { text: 'text', attachments: 'attachments' },
  },
  {
    from: ['accepted'],
    event: 'cooperate',
    roles: ['unit_liaison'],
    actorMustBe: 'assignee_lead',
    requires: { cooperating: 'units' },
    effects: ['assign:cooperating', 'notify:cooperating'],
  },
  {
    from: ['accepted'],
    event: 'cooperate',
    roles: ['operator'],
    requires: { cooperating: 'units' },
    effects: ['assign:cooperating', 'notify:cooperating'],
  },
  // 督办: a 督办单 to the lead unit (which is notified by the notice itself), as on the plan side.
  {
    from: LIVE_STATES,
    event: 'supervise',
    roles: ['supervisor', 'system'],
    optional: { text: 'text' },
    effects: ['count:supervisions', 'issueNotice:supervision_notice'],
  },
  {
    from: ['accepted'],
    event: 'reply',
    to: 'replied',
    roles: ['unit_liaison'],
    actorMustBe: 'assignee_lead',
    requires: { text: 'text' },
    optional: { attachments: 'attachments' },
    // The requester has no in-app inbox: the reply reaches them by SMS (`shareReply`: theirs and every requester of a
    // ticket merged into this one, 并单), through the public lookup and the centre's 回访; no `notify:citizen`.
    effects: ['assign:text', 'notify:operator', 'shareReply'],
  },
  {
    from: ['replied'],
    event: 'follow_up',
    to: 'followed_up',
    roles: ['operator'],
    requires: { rating: 'text', resolved: 'flag' },
    optional: { comment: 'text' },
    guards: ['validRating'],
    effects: ['assign:rating', 'assign:resolved', 'notify:lead'],
  },
  // No limit on reopening: a ticket reopened three times or more is a problem ticket (问题工单), flagged by KPIs.
  {
    from: ['followed_up'],
    event: 'reopen',
    to: 'accepted',
    roles: ['operator'],
    guards: ['ratingUnsatisfied'],
    effects: ['count:reopens', 'notify:lead'],
  },
  // 申请重办 by the requester on the public page: not satisfied with the reply, they ask for it to be handled again,
  // with a reason, while the 回访 window (the follow_up clock, 回访时限) still runs; after it the centre's 回访 decides.
  {
    from: ['replied'],
    event: 'reopen',
    to: 'accepted',
    roles: ['citizen'],
    actorMustBe: 'requester',
    requires: { reason: 'reason' },
    guards: ['followUpWindowOpen'],
    effects: ['assign:reason', 'count:reopens', 'notify:lead', 'notify:operator'],
  },
  // A closed ticket may be reopened on a supervisor's order (e.g. after a complaint).
  { from: ['closed'], event: 'reopen', to: 'accepted', roles: ['supervisor'], requires: { reason: 'reason' }, effects: ['count:reopens', 'notify:lead'] },
  { from: ['followed_up'], event: 'close', to: 'closed', roles: ['operator'] },
]

/**
 * The 12345 ticket kind (12345 工单), version 1. Version 1 was rewritten in place (states material_requested,
 * events answer_directly / contact / request_material / material_received, limits from data) rather than bumped
 * to 2: no ticket existed in any database when it changed, so no stored item runs under the older shape.
 */
export const ticketKind: KindDef = {
  id: 'ticket',
  version: '1',
  label: '12345工单',
  states: {
    received: { type: 'open', label: '已受理' },
    dispatched: { type: 'waiting', label: '待签收' },
    accepted: { type: 'open', label: '办理中' },
    return_requested: { type: 'waiting', label: '退单审核中' },
    extension_requested: { type: 'waiting', label: '延期审核中' },
    material_requested: { type: 'waiting', label: '补充材料中' },
    replied: { type: 'waiting', label: '已答复' },
    followed_up: { type: 'waiting', label: '已回访' },
    closed: { type: 'closed', label: '已办结' },
    merged: { type: 'closed', label: '已并单' },
    withdrawn: { type: 'closed', label: '已撤回' },
  },
  initial: 'received',
  events: {
    dispatch: { label: '派单' },
    answer_directly: { label: '直接办结' },
    merge: { label: '并单' },
    withdraw: { label: '撤回' },
    accept: { label: '签收' },
    // `text` is the reply (答复内容) on the ticket; on these events it is what the unit or the office writes.
    contact: { label: '联系诉求人', fieldLabels: { text: '联系情况' } },
    return: { label: '退单' },
    reassign: { label: '改派' },
    refuse_return: { label: '驳回退单' },
    request_extension: { label: '申请延期', fieldLabels: { newDue: '申请办理期限' } },
    approve_extension: { label: '同意延期' },
    refuse_extension: { label: '不予延期' },
    request_material: { label: '补充材料', fieldLabels: { text: '所需材料' } },
    material_received: { label: '材料已补充', fieldLabels: { text: '补充材料说明' } },
    cooperate: { label: '协办' },
    supervise: { label: '督办', fieldLabels: { text: '督办事由' } },
    reply: { label: '答复' },
    follow_up: { label: '回访' },
    reopen: { label: '重办', fieldLabels: { reason: '重办理由' } },
    close: { label: '办结' },
  },
  transitions,
  clocks: [
    { name: 'dispatch', label: '派单时限', unit: 'working_hours', limit: 2, startsOn: ['$start'], stopsOn: ['dispatch', 'answer_directly', 'merge', 'withdraw'] },
    {
      name: 'accept',
      label: '签收时限',
      unit: 'working_hours',
      limit: { fromData: 'limits.accept', otherwise: { unit: 'working_hours', amount: 2 } },
      startsOn: ['dispatch', 'reassign', 'refuse_return'],
      stopsOn: ['accept', 'return', 'withdraw'],
    },
    {
      name: 'respond',
      label: '响应时限',
      unit: 'working_hours',
      limit: { fromData: 'limits.respond', otherwise: { unit: 'working_hours', amount: 24 } },
      // A new unit answers for its own first contact (改派重新计时).
      startsOn: ['dispatch', 'reassign'],
      stopsOn: ['contact', 'reply', 'withdraw'],
    },
    {
      name: 'handle',
      label: '办理时限',
      unit: 'working_days',
      limit: { fromData: 'limits.handle', otherwise: { unit: 'working_days', amount: 7 } },
      warnBefore: 1,
      // Reassignment and reopening give the unit a fresh time limit (改派、重办重新计时).
      startsOn: ['dispatch', 'reassign', 'reopen'],
      stopsOn: ['reply', 'withdraw'],
      // 补充材料 and a pending extension request do not count against the unit (计时暂停).
      pausesOn: ['request_material', 'request_extension'],
      resumesOn: ['material_received', 'approve_extension', 'refuse_extension'],
      // On the due day a reminder only (提醒); the 督办单 follows by time, 1 working day after the limit passed: the
      // tick takes 督办 (`supervise`, whose issueNotice effect issues it) as the system; then 通报.
      onExpiry: { escalate: ['remind', 'supervision_notice', 'bulletin'] },
    },
    // Also the window in which the requester may ask for 重办 themselves (guard followUpWindowOpen).
    { name: 'follow_up', label: '回访时限', unit: 'working_days', limit: 2, startsOn: ['reply'], stopsOn: ['follow_up', 'reopen'] },
  ],
  escalation: [
    { name: 'remind', label: '提醒', afterDueWorkingDays: 0 },
    { name: 'supervision_notice', label: '督办单', afterDueWorkingDays: 1, emit: 'supervise' },
    { name: 'bulletin', label: '通报', afterDueWorkingDays: 5 },
  ],
  reporting: { every: 'none' },
  fields: {
    content: { type: 'text', label: '诉求内容' },
    categoryCode: { type: 'text', label: '诉求分类' },
    requestType: { type: 'choice', label: '诉求类型', choices: ['consultation', 'help', 'complaint', 'report', 'suggestion', 'praise'] },
    urgency: { type: 'choice', label: '紧急程度', choices: ['urgent', 'pressing', 'normal'] },
    tier: { type: 'choice', label: '时限档次', choices: ['urgent', 'pressing', 'normal', 'consultation'] },
    limits: { type: 'limits', label: '时限' },
    lead: { type: 'unit', label: '承办单位' },
    cooperating: { type: 'units', label: '协办单位' },
    text: { type: 'text', label: '答复内容' },
    rating: { type: 'choice', label: '满意度', choices: ['satisfied', 'basically_satisfied', 'unsatisfied'] },
    resolved: { type: 'flag', label: '是否解决' },
  },
}
