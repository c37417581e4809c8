/**
 * 更正进展 (correct a progress report): the reporting unit, or the supervising office, corrects a report's text
 * and/or figures with a reason. The original stays as first reported (shown, marked 已更正); the correction in
 * force sits beside it; the item's measures (what assessment reads for targets) are recomputed from every
 * report's figures in force, so assessment and the ledger's "last report" use the corrected ones. Audited;
 * the other side (the office, or the reporting unit) is told.
 */
import type { Queryable } from '../../persistence/db.ts'
import { reportsOf } from '../../persistence/items.repo.ts'
import { insertNotification } from '../../persistence/supervision.repo.ts'
import { DubanError } from '../../domain/errors.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { audit } from './audit.port.ts'
import { visibleItem } from './item-queries.ts'
import { LIST_LIMITS, TEXT_LIMITS } from './payload-rules.ts'

/** What a correction carries: new text and/or figures, and always a reason. */
export interface CorrectReportInput {
  readonly text?: string | undefined
  readonly measures?: Readonly<Record<string, number>> | undefined
  readonly reason: string
}

/** One metric and its reported value, as reports store them. */
type TargetValue = { metric: string; value: number }

/** A report as reportsOf shows it. */
type ReportView = Record<string, unknown> & { id: string; unitId: string; body: string; targetValues: TargetValue[]; correction: { body: string; targetValues: TargetValue[] } | null }

/** The text and figures in force: the correction when there is one, else the original. */
function inForce(r: ReportView): { body: string; targetValues: TargetValue[] } {
  return r.correction ? { body: r.correction.body, targetValues: r.correction.targetValues } : { body: r.body, targetValues: r.targetValues }
}

function checkInput(input: CorrectReportInput): void {
  if (typeof input.reason !== 'string' || input.reason.trim() === '') throw new DubanError('DUBAN_ERR_FIELD_REQUIRED', 'a correction needs a reason', { where: 'reason' })
  if (input.reason.length > TEXT_LIMITS.reason) throw new DubanError('DUBAN_ERR_FIELD_INVALID', `reason is ${input.reason.length} characters, limit ${TEXT_LIMITS.reason}`, { where: 'reason' })
  if (input.text === undefined && input.measures === undefined) throw new DubanError('DUBAN_ERR_FIELD_REQUIRED', 'give the corrected text, figures, or both', { where: 'text' })
  if (input.text !== undefined) {
    if (typeof input.text !== 'string' || input.text.trim() === '') throw new DubanError('DUBAN_ERR_FIELD_REQUIRED', 'the corrected text must not be empty', { where: 'text' })
    if (input.text.length > TEXT_LIMITS.text) throw new DubanError('DUBAN_ERR_FIELD_INVALID', `text is ${input.text.length} characters, limit ${TEXT_LIMITS.text}`, { where: 'text' })
  }
  if (input.measures !== undefined) {
    if (typeof input.measures !== 'object' || input.measures === null || Array.isArray(input.measures)) {
      throw new DubanError('DUBAN_ERR_FIELD_INVALID', 'measures must be an object of metric → number', { where: 'measures' })
    }
    const entries = Object.entries(input.measures)
    if (entries.length > LIST_LIMITS.measures) throw new DubanError('DUBAN_ERR_FIELD_INVALID', `measures has ${entries.length} entries, limit ${LIST_LIMITS.measures}`, { where: 'measures' })
    for (const [k, v] of entries) {
      if (k.trim() === '' || k.length > 255) throw new DubanError('DUBAN_ERR_FIELD_INVALID', 'a metric name must be 1–255 characters', { where: 'measures' })
      if (typeof v !== 'number' || !Number.isFinite(v)) throw new DubanError('DUBAN_ERR_FIELD_INVALID', `measures.${k} must be a number`, { where: `measures.${k}` })
    }
  }
}

const sameValues = (a: readonly TargetValue[], b: readonly TargetValue[]): boolean =>
  JSON.stringify([...a].sort((x, y) => x.metric.localeCompare(y.metric))) === JSON.stringify([...b].sort((x, y) => x.metric.localeCompare(y.metric)))

/**
 * The item's measures after a correction: for each metric the report touched (before or after), the value of
 * the latest report naming it, figures in force; a metric no report names any more goes.
 */
function measuresAfter(current: Record<string, unknown>, reports: readonly ReportView[], touched: ReadonlySet<string>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...current }
  for (const metric of touched) {
    let value: number | undefined
    for (const r of reports) {
      const v = inForce(r).targetValues.find((t) => t.metric === metric)
      if (v) value = v.value
    }
    if (value === undefined) delete out[metric]
    else out[metric] = value
  }
  return out
}

/** POST /api/items/:id/reports/:reportId/correction: corrects one report; returns the report as now shown. */
export async function correctReport(deps: AppDeps, actor: Actor, itemId: string, reportId: string, input: CorrectReportInput): Promise<Record<string, unknown>> {
  const now = deps.clock.now()
  const at = now.toISOString()
  return deps.db.transaction(async (tx) => {
    const item = await visibleItem(tx, actor, itemId, true)
    const reports = (await reportsOf(tx, item.id)) as ReportView[]
    const report = reports.find((r) => r.id === reportId)
    if (!report) throw new DubanError('DUBAN_ERR_REPORT_NOT_FOUND', `report ${reportId} on item ${item.number}`, { where: 'reportId' })
    const office = actor.role === 'admin' || actor.role === 'supervisor'
    if (!office && (actor.unitId === null || actor.unitId !== report.unitId)) {
      throw new DubanError('DUBAN_ERR_REPORT_CORRECT_FORBIDDEN', `report ${reportId} was made by another unit`, { where: 'reportId' })
    }
    if (!office && item.stateType === 'closed') throw new DubanError('DUBAN_ERR_REPORT_CORRECTION_CONFLICT', `item ${item.number} is ${item.state}`, { where: 'id' })
    // The content is checked once the caller is known to see the report and may correct it: another unit learns nothing.
    checkInput(input)
    const reason = input.reason.trim()

    const before = inForce(report)
    const body = input.text !== undefined ? input.text.trim() : before.body
    const targetValues = input.measures !== undefined ? Object.entries(input.measures).map(([metric, value]) => ({ metric, value })) : before.targetValues
    if (body === before.body && sameValues(targetValues, before.targetValues)) {
      throw new DubanError('DUBAN_ERR_REPORT_CORRECTION_UNCHANGED', `report ${reportId}`, { where: input.text !== undefined ? 'text' : 'measures' })
    }
    await tx.query(
      `UPDATE progress_report SET corrected_body = $2, corrected_target_values = $3::jsonb, correction_reason = $4, corrected_by = $5, corrected_at = $6,
              corrections = corrections + 1 WHERE id = $1`,
      [report.id, body, JSON.stringify(targetValues), reason, actor.userId, at],
    )
    if (!sameValues(targetValues, before.targetValues)) await recomputeMeasures(tx, item.id, item.version, at, new Set([...before.targetValues, ...targetValues].map((t) => t.metric)))

    await audit(tx, actor, now, {
      action: 'item.report.correct',
      entity: 'item',
      entityId: item.id,
      before: { reportId, body: before.body, targetValues: before.targetValues },
      after: { reportId, body, targetValues, reason },
    })
    // The other side is told: the office when a unit corrects, the reporting unit when the office does.
    const title = `进展报告已更正：${item.number} ${item.title}`
    const note = { id: deps.newId(), itemId: item.id, type: 'item.report_corrected', title, body: `更正原因：${reason}`, at: now }
    const key = `report.corrected:${reportId}:${at}`
    if (office) await insertNotification(tx, { ...note, dedupeKey: `${key}@unit:${report.unitId}`, unitId: report.unitId })
    else await insertNotification(tx, { ...note, dedupeKey: `${key}@role:supervisor`, role: 'supervisor' })

    return ((await reportsOf(tx, item.id)) as ReportView[]).find((r) => r.id === reportId)!
  })
}

/** Writes the item's measures again from every report's figures in force (a new item version). */
async function recomputeMeasures(tx: Queryable, itemId: string, version: number, at: string, touched: ReadonlySet<string>): Promise<void> {
  const { rows } = await tx.query<{ snapshot: unknown }>('SELECT snapshot FROM item WHERE id = $1', [itemId])
  const raw = rows[0]?.snapshot
  const snapshot = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { data?: Record<string, unknown> }
  const data = { ...(snapshot.data ?? {}) }
  const reports = (await reportsOf(tx, itemId)) as ReportView[]
  data['measures'] = measuresAfter((data['measures'] as Record<string, unknown> | undefined) ?? {}, reports, touched)
  const updated = await tx.query(`UPDATE item SET snapshot = $3::jsonb, updated_at = $4, version = version + 1 WHERE id = $1 AND version = $2 RETURNING id`, [
    itemId,
    version,
    JSON.stringify({ ...snapshot, data }),
    at,
  ])
  if (updated.rows.length === 0) throw new DubanError('DUBAN_ERR_ITEM_VERSION_CONFLICT', `item ${itemId} changed meanwhile`, { where: 'id' })
}
