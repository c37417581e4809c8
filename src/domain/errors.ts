/**
 * The one error catalogue (错误目录). Every error duban reports has a stable code, a developer
 * message and a zh-CN message for users. Codes are never reused or renamed. The domain never
 * speaks HTTP: adapters/http maps codes to status codes.
 *
 * Add new codes at the end of the section of your area; keep the `DUBAN_ERR_` prefix.
 */
import { fieldLabelOf } from './field-labels.ts'

export const catalogue = {
  // ── input / extraction ───────────────────────────────────────────────
  DUBAN_ERR_INPUT_EMPTY: { en: 'the file is empty', zh: '文件为空' },
  DUBAN_ERR_INPUT_BINARY: { en: 'the file is binary, not a text document', zh: '文件是二进制数据，不是文本文档' },
  DUBAN_ERR_INPUT_TOO_LARGE: { en: 'the file is larger than the limit', zh: '文件超过大小限制' },
  DUBAN_ERR_INPUT_ENCODING: { en: 'the file is neither UTF-8 nor GBK/GB18030 text', zh: '文件编码既不是 UTF-8 也不是 GBK/GB18030' },
  DUBAN_ERR_INPUT_FORMAT: { en: 'the file is not a readable document of its stated type', zh: '文件内容与其类型不符，无法读取' },
  DUBAN_ERR_INPUT_NOT_FOUND: { en: 'the file does not exist or cannot be read', zh: '文件不存在或无法读取' },
  DUBAN_ERR_OUTPUT_WRITE: { en: 'the output file could not be written', zh: '无法写入输出文件' },
  // ── generic request validation ───────────────────────────────────────
  DUBAN_ERR_VALIDATION: { en: 'the request is not valid', zh: '请求参数不合法' },
  DUBAN_ERR_NOT_FOUND: { en: 'no such record', zh: '记录不存在' },
  DUBAN_ERR_CONFLICT: { en: 'the record was changed or already exists', zh: '记录已变更或已存在' },
  DUBAN_ERR_BODY_TOO_LARGE: { en: 'the request body is larger than the limit', zh: '请求内容超过大小限制' },
  // ── platform: auth, users, units, audit ─────────────────────────────
  DUBAN_ERR_UNAUTHENTICATED: { en: 'not signed in or the session has expired', zh: '未登录或登录已过期' },
  DUBAN_ERR_FORBIDDEN: { en: 'the signed-in user may not do this', zh: '当前用户无权执行此操作' },
  DUBAN_ERR_LOGIN_FAILED: { en: 'unknown user name or wrong password', zh: '用户名或密码错误' },
  DUBAN_ERR_UNIT_IMPORT: { en: 'the unit file has errors; nothing was imported', zh: '单位文件有错误，未导入任何数据' },
  DUBAN_ERR_UNIT_OUTSIDE_JURISDICTION: { en: 'the unit lies outside the jurisdiction the mapping is for', zh: '所选单位不在该辖区内' },
  DUBAN_ERR_AUDIT_CHAIN_BROKEN: { en: 'the audit log hash chain is broken', zh: '审计日志哈希链校验失败' },
  DUBAN_ERR_INTERNAL: { en: 'internal error', zh: '服务器内部错误' },
  DUBAN_ERR_DATA_SCOPE_INVALID: { en: 'the data scope is not valid (mode, units, or the person has no unit)', zh: '数据范围设置不合法' },
  // ── hardening (issue 11): media types, login lock-out, CSRF, overload ──
  DUBAN_ERR_UNSUPPORTED_MEDIA_TYPE: { en: 'the request body has a content type this route does not take', zh: '请求内容类型不受支持' },
  DUBAN_ERR_LOGIN_LOCKED: { en: 'too many failed sign-ins; try again later', zh: '登录失败次数过多，请稍后再试' },
  DUBAN_ERR_CSRF_FORBIDDEN: { en: 'a cookie-authenticated change must come from this site (Origin and X-Duban-Request headers)', zh: '跨站请求被拒绝' },
  DUBAN_ERR_OVERLOADED: { en: 'the server is busy; try again shortly', zh: '服务器繁忙，请稍后再试' },
  DUBAN_ERR_INPUT_BOMB: { en: 'the archive expands far beyond its size (a zip bomb) or takes too long to read', zh: '文件解压后过大或解析超时，已拒绝' },
  // ── calendar (工作日 / 调休) ─────────────────────────────────────────────
  DUBAN_ERR_CALENDAR_INVALID: { en: 'the working-day calendar data is not valid', zh: '工作日历数据不合法' },
  DUBAN_ERR_CALENDAR_DATE: { en: 'not a valid date or time (YYYY-MM-DD, ISO 8601)', zh: '日期或时间格式不正确（应为 YYYY-MM-DD 或 ISO 8601）' },
  DUBAN_ERR_CALENDAR_RANGE: { en: 'a calendar argument is out of range', zh: '日历计算参数超出范围' },
  DUBAN_ERR_CALENDAR_DEADLINE_UNRESOLVED: { en: 'the deadline lacks the year or month needed to fix a date', zh: '完成时限缺少年份或月份，无法确定具体日期' },
  // ── workflow engine (流转) ─────────────────────────────────────────────
  DUBAN_ERR_TRANSITION_NOT_ALLOWED: { en: 'the event is not declared for the item\'s current state', zh: '当前状态下不能执行该操作' },
  DUBAN_ERR_ROLE_NOT_ALLOWED: { en: 'none of the actor\'s roles may take this event', zh: '您的角色无权执行该操作' },
  DUBAN_ERR_NOT_ASSIGNEE: { en: 'the actor does not stand in the required relation to the item (unit or creator)', zh: '该事项不由您或您所在单位办理' },
  DUBAN_ERR_FIELD_REQUIRED: { en: 'a required field is missing', zh: '缺少必填项' },
  DUBAN_ERR_FIELD_INVALID: { en: 'a field has the wrong type or format', zh: '填写内容格式不正确' },
  DUBAN_ERR_GUARD_FAILED: { en: 'a condition of this event is not met', zh: '不满足办理条件' },
  DUBAN_ERR_KIND_VERSION_MISMATCH: { en: 'the item was started under another kind or kind version', zh: '事项类型或版本不一致' },
  DUBAN_ERR_KIND_INVALID: { en: 'the kind definition is invalid', zh: '事项类型定义有误' },
  DUBAN_ERR_KIND_UNKNOWN: { en: 'no such kind or kind version is registered', zh: '未知的事项类型或版本' },
  DUBAN_ERR_EVENT_UNKNOWN: { en: 'the item\'s kind declares no such event', zh: '该类事项没有此操作' },
  // ── plans and items (工作要点导入 / 台账) ───────────────────────────────
  DUBAN_ERR_PLAN_STATUS_CONFLICT: { en: 'the plan is no longer a draft', zh: '该计划已确认或已废弃，不能再修改' },
  DUBAN_ERR_PLAN_INCOMPLETE: { en: 'an included item lacks a unit or has a unit not yet mapped', zh: '有拟立项任务缺少责任单位或单位尚未匹配' },
  DUBAN_ERR_PLAN_EMPTY: { en: 'no item is included for the ledger', zh: '没有选入台账的任务' },
  DUBAN_ERR_ITEM_VERSION_CONFLICT: { en: 'the item was changed by someone else; reload and try again', zh: '事项已被他人修改，请刷新后重试' },
  DUBAN_ERR_DUE_NOT_WORKING_DAY: { en: 'the due date falls on a non-working day', zh: '完成时间不能设在节假日或休息日' },
  DUBAN_ERR_ATTACHMENT_TOO_LARGE: { en: 'an attachment is larger than the limit', zh: '附件超过大小限制' },
  DUBAN_ERR_REPORT_NOT_FOUND: { en: 'no such progress report on this item', zh: '该事项没有这条进展报告' },
  DUBAN_ERR_REPORT_CORRECT_FORBIDDEN: { en: 'only the reporting unit or the supervising office may correct a progress report', zh: '只有报送单位或督查室可以更正进展报告' },
  DUBAN_ERR_REPORT_CORRECTION_CONFLICT: { en: 'the item is closed; only the supervising office may still correct its reports', zh: '事项已办结，进展报告只能由督查室更正' },
  DUBAN_ERR_REPORT_CORRECTION_UNCHANGED: { en: 'the correction changes neither the text nor the figures', zh: '更正内容与现有报告相同' },
  DUBAN_ERR_PLAN_CANCEL_STATUS_CONFLICT: { en: 'only a confirmed plan\'s tasks can be cancelled', zh: '只有已下发的计划才能撤销下发' },
  DUBAN_ERR_DISPATCH_CANCEL_CONFLICT: { en: 'a unit has already acted on a task, so it cannot be cancelled', zh: '有单位已签收、报送或办理，不能撤销下发' },
  DUBAN_ERR_COLLECTIVE_UNKNOWN: { en: 'the name is not a collective name (各街道, 市直各部门 …); name the units to expand into', zh: '该名称不是集合名称（如各街道、市直各部门），请指定要分解的单位' },
  DUBAN_ERR_COLLECTIVE_EMPTY: { en: 'the collective name has no units under the document\'s place in the unit tree', zh: '单位树中该集合名称下没有单位，请先添加单位或改为匹配单个单位' },
  DUBAN_ERR_SHARE_CONFLICT: { en: 'the actor\'s unit has already taken this step for its share of the item', zh: '本单位已完成该事项本单位部分的此项操作' },
  // ── supervision, assessment, exports (督办 / 考核 / 导出) ──────────────────
  DUBAN_ERR_SUPERVISION_CONFIG_INVALID: { en: 'the supervision configuration (ladder, cadence) is not valid', zh: '督办配置（升级梯度、报送频次）不合法' },
  DUBAN_ERR_NOTICE_REPLY_CONFLICT: { en: 'the supervision notice has already been replied to', zh: '该督办单已回复' },
  DUBAN_ERR_NOTICE_WITHDRAWN: { en: 'the supervision notice has been withdrawn', zh: '该督办单已撤回' },
  DUBAN_ERR_NOTICE_FORBIDDEN: { en: 'the supervision notice is not addressed to the actor\'s unit', zh: '该督办单不是发给您所在单位的' },
  DUBAN_ERR_WEBHOOK_INVALID: { en: 'the webhook subscription is not valid', zh: '推送订阅配置不合法' },
  DUBAN_ERR_ASSESSMENT_PERIOD: { en: 'not a valid assessment period (YYYY-MM, YYYY-Qn or YYYY)', zh: '考核周期格式不正确（应为 YYYY-MM、YYYY-Qn 或 YYYY）' },
  DUBAN_ERR_OFFICE_PREFIX_CONFLICT: { en: 'another issuing office already prints this number prefix', zh: '该文号前缀已被其他发文机关使用' },
  // ── 12345 tickets (工单 / 服务目录 / 派单目录) ─────────────────────────────
  DUBAN_ERR_DISPATCH_REFUSED: { en: 'the dispatch breaks a dispatch rule', zh: '派单不符合派单规则' },
  DUBAN_ERR_RATE_LIMITED: { en: 'too many requests from this address; try again in a minute', zh: '请求过于频繁，请一分钟后再试' },
  DUBAN_ERR_KNOWLEDGE_NOT_FOUND: { en: 'no such knowledge base entry', zh: '知识库条目不存在' },
  DUBAN_ERR_KNOWLEDGE_STATE_CONFLICT: { en: 'the knowledge base entry is not in a state that allows this', zh: '知识库条目当前状态不允许此操作' },
  DUBAN_ERR_KNOWLEDGE_SELF_REVIEW_FORBIDDEN: { en: 'an entry is reviewed by someone other than its writer', zh: '知识库条目须由编写人以外的人员审核' },
  DUBAN_ERR_KNOWLEDGE_INVALID: { en: 'the knowledge base entry is not valid', zh: '知识库条目内容不合法' },
  DUBAN_ERR_DUPLICATE_DECIDED_CONFLICT: { en: 'the proposed merge was already merged or dismissed', zh: '该并单建议已处理（已并单或已忽略）' },
  DUBAN_ERR_DUPLICATE_NOT_MERGEABLE_CONFLICT: { en: 'the ticket can no longer be merged: it was dispatched or closed, or its primary was merged or withdrawn', zh: '该工单已派单或已结束，或主工单已并单、已撤回，不能并单' },
} as const satisfies Record<string, { en: string; zh: string }>

/** A code from the catalogue. */
export type ErrorCode = keyof typeof catalogue

/** The single error type of the domain and use-cases: a catalogued code plus specifics. */
export class DubanError extends Error {
  readonly code: ErrorCode
  /** Where the problem is: a file, a line, a field path. Shown to the user. */
  readonly where: string | undefined
  readonly details: Readonly<Record<string, unknown>> | undefined
  /** The Chinese name of the field `where` points at, when the thrower knows it better than the shared table (a kind's own label). */
  readonly label: string | undefined

  constructor(code: ErrorCode, detail?: string, opts?: { where?: string; label?: string; details?: Record<string, unknown> }) {
    const base = catalogue[code].en
    super(detail ? `${base}: ${detail}` : base)
    this.name = 'DubanError'
    this.code = code
    this.where = opts?.where
    this.label = opts?.label
    this.details = opts?.details
  }

  /** The Chinese name of the field the error points at (字段中文名), or null when it names none known. */
  get field(): string | null {
    return this.label ?? fieldLabelOf(this.where)
  }

  /**
   * The zh-CN message for a person, with the specifics appended: the field by its Chinese name (`缺少必填项（答复内容）`),
   * a file's line as 第n行 (`plan.xlsx 第12行，完成时间`), else the place as given (a date, a header).
   */
  get userMessage(): string {
    const zh = catalogue[this.code].zh
    if (!this.where) return zh
    const field = this.field
    // A file's line (`plan.xlsx:12/due`, `file:3`), not an instant (`2026-03-02T09:00`).
    const fileLine = /^([^:]*(?:\.[A-Za-z0-9]+|file)):(\d+)(?:\/|$)/.exec(this.where)
    if (fileLine) return `${zh}（${fileLine[1]} 第${fileLine[2]}行${field ? `，${field}` : ''}）`
    return `${zh}（${field ?? this.where}）`
  }
}
