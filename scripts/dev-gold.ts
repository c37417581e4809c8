/**
 * Dev helper: extracts every .txt file of a folder (default: the corpus seeds) and writes
 * gold-format JSON to OUTDIR. Files that are not valid UTF-8 are read as GBK.
 *   npx tsx scripts/dev-gold.ts OUTDIR [FOLDER] [--full]
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import iconv from 'iconv-lite'
import { extractPlan } from '../src/domain/text/extract.ts'
import { toGold } from '../src/domain/text/gold-format.ts'

const out = process.argv[2] ?? 'out'
const seeds = process.argv.slice(3).find((a) => !a.startsWith('--')) ?? '../shared/corpus/seeds'
mkdirSync(out, { recursive: true })

function decode(bytes: Buffer): { text: string; encoding: string } {
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8' }
  } catch {
    return { text: iconv.decode(bytes, 'gbk'), encoding: 'gbk' }
  }
}

let bytes = 0
let ms = 0
for (const f of readdirSync(seeds).filter((x) => x.endsWith('.txt')).sort()) {
  const { text: raw, encoding } = decode(readFileSync(join(seeds, f)))
  bytes += Buffer.byteLength(raw)
  const t0 = performance.now()
  const result = extractPlan(raw, { file: join(seeds, f), encoding })
  ms += performance.now() - t0
  writeFileSync(join(out, f.replace(/\.txt$/, '.json')), JSON.stringify(toGold(result), null, 1))
  if (process.argv.includes('--full')) writeFileSync(join(out, f.replace(/\.txt$/, '.full.txt')), JSON.stringify(result.documents, null, 1))
}
console.log(`extracted ${(bytes / 1024).toFixed(0)} KB in ${ms.toFixed(1)} ms (${(bytes / 1e6 / (ms / 1000)).toFixed(1)} MB/s)`)
