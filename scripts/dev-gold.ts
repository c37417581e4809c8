/** Dev helper: extracts every seed file and writes gold-format JSON to OUTDIR. */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { extractPlan } from '../src/domain/text/extract.ts'
import { toGold } from '../src/domain/text/gold-format.ts'

const out = process.argv[2] ?? 'out'
const seeds = process.argv.slice(3).find((a) => !a.startsWith('--')) ?? '../shared/corpus/seeds'
mkdirSync(out, { recursive: true })
let bytes = 0
let ms = 0
for (const f of readdirSync(seeds).filter((x) => x.endsWith('.txt')).sort()) {
  const raw = readFileSync(join(seeds, f), 'utf8')
  bytes += Buffer.byteLength(raw)
  const t0 = performance.now()
  const result = extractPlan(raw, { file: join(seeds, f), encoding: 'utf-8' })
  ms += performance.now() - t0
  writeFileSync(join(out, f.replace(/\.txt$/, '.json')), JSON.stringify(toGold(result), null, 1))
  if (process.argv.includes('--full')) writeFileSync(join(out, f.replace(/\.txt$/, '.full.txt')), JSON.stringify(result.documents, null, 1))
}
console.log(`extracted ${(bytes / 1024).toFixed(0)} KB in ${ms.toFixed(1)} ms (${(bytes / 1e6 / (ms / 1000)).toFixed(1)} MB/s)`)
