/**
 * The dispatch evaluation sets as the experiment scripts read them (scripts/dispatch-*.ts), in one place: the
 * training-side letters with their city and the city-grouped folds, the demo requests, the real plan items and the
 * demo city's cold-start inputs. cities-test*.jsonl are not read here: the held-out cities are scored with
 * `duban dispatch evaluate` only.
 *
 * The folds: FNV-1a of the city's name (as test/fixtures/dispatch/split-by-city.mjs uses), shifted right by 3 so that
 * the folds do not follow the train/test parity, modulo 5. The same folds as every round since the split by city.
 */
import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { DEMO_DIR } from '../src/app/demo/seed-demo.ts'
import { loadDemoInputs, type DispatchInputs } from '../src/app/dispatch/dispatch-inputs.ts'
import { parseLabelledLines, type ScoredLine } from '../src/app/dispatch/evaluate-dispatch.ts'
import { rankFunctions, suggest, type DispatchModel } from '../src/domain/dispatch/dispatch.model.ts'

export const SETS = fileURLToPath(new URL('../test/fixtures/dispatch/', import.meta.url))
export const CITY_FOLDS = 5

/** A labelled line with its city (where the file has one). */
export interface Letter {
  readonly text: string
  readonly function: string
  readonly address?: string | undefined
  readonly city?: string | undefined
}

export function fnv1a(s: string): number {
  let h = 0x811c9dc5
  for (const b of new TextEncoder().encode(s)) h = Math.imul(h ^ b, 0x01000193) >>> 0
  return h
}

/** A set's lines (validated as `duban dispatch evaluate` reads them), with `city` kept; [] when the file is missing. */
export function readSet(file: string): Letter[] {
  const text = existsSync(SETS + file) ? readFileSync(SETS + file, 'utf8') : ''
  const cities = text.split(/\r?\n/).filter((l) => l.trim()).map((l) => (JSON.parse(l) as { city?: string }).city)
  return parseLabelledLines(text, file).map((l, i) => ({ ...l, city: cities[i] }))
}

/** The city-grouped fold of a training-side letter. */
export const cityFold = (l: Letter): number => (fnv1a(l.city ?? '') >>> 3) % CITY_FOLDS

/**
 * cities-train.jsonl (87 letters), cities-train-3.jsonl (50), cities-train-4.jsonl (14, 2026-12-02 afternoon), then
 * cities-train-5.jsonl (25, 2026-12-02 13:00 UTC round), then cities-train-6.jsonl (66, 2026-12-03): the training side, 242
 * letters (176 before cities-train-6, 151 before cities-train-5, 137 before cities-train-4; f1343fc's scripts read those 137).
 */
export const trainCities87 = readSet('cities-train.jsonl')
const side = process.env.TRAINING_SIDE
export const trainingSide: readonly Letter[] = [
  ...trainCities87,
  ...readSet('cities-train-3.jsonl'),
  // TRAINING_SIDE=137 leaves cities-train-4/-5.jsonl out: the training side as the 2026-12-02 morning round had it;
  // TRAINING_SIDE=151 leaves cities-train-5.jsonl out (the afternoon round's 151).
  ...(side === '137' ? [] : readSet('cities-train-4.jsonl')),
  ...(side === '137' || side === '151' ? [] : readSet('cities-train-5.jsonl')),
  // TRAINING_SIDE=176 leaves cities-train-6.jsonl out (2026-12-03: 66 more letters of training-side cities).
  ...(side === '137' || side === '151' || side === '176' ? [] : readSet('cities-train-6.jsonl')),
]
/** The demo city's 83 requests; fold i mod 5, as `duban dispatch evaluate --folds 5`. */
export const demoRequests: readonly Letter[] = [...readSet('demo-train.jsonl'), ...readSet('demo-heldout.jsonl')]
/** Real plan items (another genre), scored cold. */
export const planItems: readonly Letter[] = readSet('corpus-plans.jsonl')

/** The demo city's units, catalogue and rules, as `--demo` builds the model from. */
export const demoInputs: DispatchInputs = await loadDemoInputs(DEMO_DIR)

/** A top-1 / top-3 tally. */
export type Tally = [n: number, top1: number, top3: number]
export const newTally = (): Tally => [0, 0, 0]
export function count(t: Tally, label: string, ranked: readonly string[]): void {
  t[0]++
  if (ranked[0] === label) t[1]++
  if (ranked.slice(0, 3).includes(label)) t[2]++
}
export const fmt = (t: Tally): string => `${(t[1] / t[0]).toFixed(3)} / ${(t[2] / t[0]).toFixed(3)}`

/**
 * A letter scored by the model as the CV scripts score it (by its text only; the letters carry no address): the
 * functions ranked (rankFunctions) with the first one's confidence, and the functions of the units suggest() names.
 */
export function scoredCase(model: DispatchModel, l: Letter): ScoredLine {
  const ranked = rankFunctions(model, { text: l.text })
  return {
    byFunction: { function: l.function, suggested: ranked.map((f) => f.function), confidence: ranked[0]?.probability },
    byUnit: { function: l.function, suggested: suggest(model, { text: l.text }).map((s) => s.unit.function) },
  }
}
