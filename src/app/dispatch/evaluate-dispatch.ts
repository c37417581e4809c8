/**
 * Evaluating dispatch suggestions (派单建议评测) on labelled lines `{"text", "function", "address"?}`: the
 * model is taught the training lines (if any), then each evaluation line is suggested for and scored by the
 * functions of the units suggested.
 */
import { DubanError } from '../../domain/errors.ts'
import { suggest, teach, type DispatchModel } from '../../domain/dispatch/dispatch.model.ts'
import { accuracyByFunction, type AccuracyReport, type ScoredCase } from '../../domain/dispatch/evaluate.ts'

/** One labelled line. */
export interface LabelledRequest {
  readonly text: string
  readonly function: string
  readonly address?: string | undefined
  readonly unitId?: string | undefined
}

/** Reads JSON lines of labelled requests; a bad line is DUBAN_ERR_FIELD_INVALID naming its number. */
export function parseLabelledLines(text: string, name: string): LabelledRequest[] {
  const out: LabelledRequest[] = []
  text.split(/\r?\n/).forEach((line, i) => {
    if (!line.trim()) return
    let v: unknown
    try {
      v = JSON.parse(line)
    } catch {
      throw new DubanError('DUBAN_ERR_FIELD_INVALID', `${name} line ${i + 1}: not JSON`, { where: 'line' })
    }
    const r = v as Partial<LabelledRequest>
    if (typeof r.text !== 'string' || typeof r.function !== 'string') throw new DubanError('DUBAN_ERR_FIELD_INVALID', `${name} line ${i + 1}: needs "text" and "function" strings`, { where: 'line' })
    out.push({ text: r.text, function: r.function, address: typeof r.address === 'string' ? r.address : undefined, unitId: typeof r.unitId === 'string' ? r.unitId : undefined })
  })
  return out
}

/** Teaches the model the training lines; returns how many it could learn from. */
export function trainOn(model: DispatchModel, lines: readonly LabelledRequest[]): number {
  let n = 0
  for (const l of lines) if (teach(model, { text: l.text, function: l.function, unitId: l.unitId, address: l.address })) n++
  return n
}

function scored(model: DispatchModel, lines: readonly LabelledRequest[]): ScoredCase[] {
  return lines.map((l) => ({ function: l.function, suggested: suggest(model, { text: l.text, address: l.address }).map((s) => s.unit.function) }))
}

/** Top-1 and top-3 accuracy by function of the model's suggestions for the lines. */
export function evaluateOn(model: DispatchModel, lines: readonly LabelledRequest[]): AccuracyReport {
  return accuracyByFunction(scored(model, lines))
}

/**
 * k-fold cross-validation: line i is held out in fold i mod k; each fold's model (from `fresh`) is taught the
 * other folds' lines (and `extra`) before its own lines are scored. All folds' cases make one report.
 */
export function crossValidate(fresh: () => DispatchModel, lines: readonly LabelledRequest[], k: number, extra: readonly LabelledRequest[] = []): AccuracyReport {
  const cases: ScoredCase[] = []
  for (let fold = 0; fold < k; fold++) {
    const model = fresh()
    trainOn(model, [...extra, ...lines.filter((_, i) => i % k !== fold)])
    cases.push(...scored(model, lines.filter((_, i) => i % k === fold)))
  }
  return accuracyByFunction(cases)
}
