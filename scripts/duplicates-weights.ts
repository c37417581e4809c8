/**
 * How the subject weights' power (SUBJECT_POWER, src/domain/tickets/duplicates.ts) was chosen: for each power, the
 * recall at the best threshold with precision ≥ 0.9 on a labelled file (the threshold's rule), and that threshold.
 * Power 0 is the same features unweighted. Run on test/fixtures/duplicates/dev.jsonl only; test.jsonl is scored by
 * `duban dispatch duplicates-evaluate` at the chosen setting.
 *
 *   npx tsx scripts/duplicates-weights.ts test/fixtures/duplicates/dev.jsonl
 */
import { readFileSync } from 'node:fs'
import { jiebaTokenize } from '../src/adapters/text/jieba.tokenize.ts'
import { parsePairs, scorePairs, SUBJECT_POWER, textFeatures, type TextFeatures } from '../src/domain/tickets/duplicates.ts'

const file = process.argv[2]
if (!file) throw new Error('usage: npx tsx scripts/duplicates-weights.ts FILE.jsonl')
const { pairs, errors } = parsePairs(readFileSync(file, 'utf8'))
if (errors.length > 0) throw new Error(errors.join('\n'))

/** The weighted Dice coefficient with each weight w (= concentration^SUBJECT_POWER) taken to power/SUBJECT_POWER. */
function similarityAt(a: TextFeatures, b: TextFeatures, power: number): number {
  const w = (x: number) => x ** (power / SUBJECT_POWER)
  let both = 0
  let all = 0
  for (const [f, x] of a.weights) {
    all += w(x)
    if (b.weights.has(f)) both += 2 * w(x)
  }
  for (const x of b.weights.values()) all += w(x)
  return all > 0 ? Math.round((both / all) * 10_000) / 10_000 : 0
}

const features = pairs.map((p) => [textFeatures(jiebaTokenize, p.a, p.address ?? ''), textFeatures(jiebaTokenize, p.b, p.address ?? '')] as const)
for (const power of [0, 1, 2, 3, 4, 5, 6, 8]) {
  const scores = features.map(([a, b]) => similarityAt(a, b, power))
  let best = { threshold: NaN, precision: 0, recall: 0 }
  for (const t of [...new Set(scores)].sort((x, y) => x - y)) {
    const r = scorePairs(pairs, scores, t)
    if ((r.precision ?? 0) >= 0.9 && (r.recall ?? 0) > best.recall) best = { threshold: t, precision: r.precision ?? 0, recall: r.recall ?? 0 }
  }
  console.log(`power ${power}: recall ${best.recall.toFixed(3)} at precision ${best.precision.toFixed(3)}, threshold ${best.threshold}`)
}
