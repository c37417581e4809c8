/**
 * `duban dispatch duplicates-evaluate FILE.jsonl [--threshold X] [--json]`: duplicate detection (重复诉求识别)
 * measured on a labelled set of pairs {"a", "b", "address"?, "duplicate"}: precision and recall at the platform's
 * threshold (or the one given), scored exactly as detection scores two tickets (jieba words and two-character
 * pieces, the shared place taken out).
 */
import { readFile } from 'node:fs/promises'
import { evaluateDuplicates } from '../../app/tickets/duplicates-evaluate.ts'
import { DUPLICATE_DEFAULTS, parsePairs } from '../../domain/tickets/duplicates.ts'
import { jiebaTokenize } from '../text/jieba.tokenize.ts'

export const USAGE = `usage: duban dispatch duplicates-evaluate FILE.jsonl [--threshold X] [--json]

Reads lines {"a": "…", "b": "…", "address": "…"?, "duplicate": true|false} and prints precision and recall of
"similarity ≥ threshold" (default ${DUPLICATE_DEFAULTS.threshold}, the platform's) against the labels.
test/fixtures/duplicates/dev.jsonl and test.jsonl are the labelled sets (see test/fixtures/duplicates/README.md).`

const fmt = (x: number | null): string => (x === null ? '—' : x.toFixed(3))

export async function run(args: string[]): Promise<number> {
  let threshold = DUPLICATE_DEFAULTS.threshold
  let json = false
  const files: string[] = []
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a === '--json') json = true
    else if (a === '--threshold') threshold = Number(args[++i] ?? 'NaN')
    else if (a === '-h' || a === '--help') {
      process.stdout.write(USAGE + '\n')
      return 0
    } else files.push(a)
  }
  if (files.length !== 1 || !(threshold >= 0 && threshold <= 1)) {
    process.stderr.write(`duban dispatch duplicates-evaluate: ${files.length !== 1 ? 'one FILE.jsonl is needed' : '--threshold must be a number from 0 to 1'}\n${USAGE}\n`)
    return 2
  }
  let text: string
  try {
    text = await readFile(files[0]!, 'utf8')
  } catch (e) {
    process.stderr.write(`duban dispatch duplicates-evaluate: cannot read ${files[0]}: ${(e as Error).message}\n`)
    return 1
  }
  const { pairs, errors } = parsePairs(text)
  if (errors.length > 0) {
    process.stderr.write(errors.map((e) => `${files[0]}: ${e}`).join('\n') + '\n')
    return 1
  }
  if (pairs.length === 0) {
    process.stderr.write(`${files[0]}: no pairs\n`)
    return 1
  }
  const r = evaluateDuplicates(jiebaTokenize, pairs, threshold)
  if (json) {
    const { scores: _s, ...figures } = r
    process.stdout.write(JSON.stringify(figures) + '\n')
    return 0
  }
  process.stdout.write(
    [
      `pairs ${r.pairs} (duplicates ${r.positives}, unrelated ${r.pairs - r.positives}), threshold ${r.threshold}`,
      `precision ${fmt(r.precision)}  recall ${fmt(r.recall)}  F1 ${fmt(r.f1)}`,
      `true positives ${r.truePositives}, false positives ${r.falsePositives}, false negatives ${r.falseNegatives}`,
    ].join('\n') + '\n',
  )
  return 0
}
