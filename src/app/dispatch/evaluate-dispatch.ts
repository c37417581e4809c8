/**
 * Evaluating dispatch suggestions (派单建议评测) on labelled lines `{"text", "function", "address"?}`: the
 * model is taught the training lines (if any), then each evaluation line is scored twice — by the functions the
 * model ranks (rankFunctions: each one served at the request's place, 街道乡镇 counting where the place is not in
 * this city), which is the accuracy by function the report leads with, and by the functions of the units
 * suggest() names, which needs the place to be in this city for a 街道乡镇 unit.
 */
import { DubanError } from '../../domain/errors.ts'
import { rankFunctions, suggest, teach, type DispatchModel } from '../../domain/dispatch/dispatch.model.ts'
import { accuracyByFunction, calibrationOf, type Accuracy, type AccuracyReport, type CalibrationBand, type ScoredCase } from '../../domain/dispatch/evaluate.ts'

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

/** Accuracy by function, with the same figure counted on the units suggested. */
export interface EvaluationReport extends AccuracyReport {
  /** Top-1/top-3 of the functions of the units suggest() names (no 街道乡镇 unit without a place in this city). */
  readonly units: Accuracy
  /** How well the first function's confidence matches how often it is right (see calibrationOf). */
  readonly calibration: { readonly bands: readonly CalibrationBand[]; readonly expectedError: number }
  /** The same for each shown rank: [0] the first function (as `calibration`), [1] the second, [2] the third. */
  readonly calibrationByRank: readonly { readonly bands: readonly CalibrationBand[]; readonly expectedError: number }[]
}

/** One line's two scorings: the functions ranked, and the functions of the units suggested. */
export interface ScoredLine {
  readonly byFunction: ScoredCase
  readonly byUnit: ScoredCase
}

function scored(model: DispatchModel, lines: readonly LabelledRequest[]): ScoredLine[] {
  return lines.map((l) => {
    const q = { text: l.text, address: l.address }
    const ranked = rankFunctions(model, q)
    return {
      byFunction: { function: l.function, suggested: ranked.map((f) => f.function), confidence: ranked[0]?.probability, confidences: ranked.map((f) => f.probability) },
      byUnit: { function: l.function, suggested: suggest(model, q).map((s) => s.unit.function) },
    }
  })
}

/** The report of scored lines. */
export function reportOf(lines: readonly ScoredLine[]): EvaluationReport {
  const byFunction = lines.map((l) => l.byFunction)
  return {
    ...accuracyByFunction(byFunction),
    units: accuracyByFunction(lines.map((l) => l.byUnit)).overall,
    calibration: calibrationOf(byFunction),
    calibrationByRank: [0, 1, 2].map((k) => calibrationOf(byFunction, k)),
  }
}

/** Top-1 and top-3 accuracy by function of the model's suggestions for the lines. */
export function evaluateOn(model: DispatchModel, lines: readonly LabelledRequest[]): EvaluationReport {
  return reportOf(scored(model, lines))
}

/**
 * k-fold cross-validation: line i is held out in fold i mod k; each fold's model (from `fresh`) is taught the
 * other folds' lines (and `extra`) before its own lines are scored. All folds' cases make one report.
 */
export function crossValidate(fresh: () => DispatchModel, lines: readonly LabelledRequest[], k: number, extra: readonly LabelledRequest[] = []): EvaluationReport {
  const cases: ScoredLine[] = []
  for (let fold = 0; fold < k; fold++) {
    const model = fresh()
    trainOn(model, [...extra, ...lines.filter((_, i) => i % k !== fold)])
    cases.push(...scored(model, lines.filter((_, i) => i % k === fold)))
  }
  return reportOf(cases)
}
