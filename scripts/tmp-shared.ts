import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { jiebaTokenize } from '../src/adapters/text/jieba.tokenize.ts'
import { parsePairs, sharedTerms, textFeatures, subjectWeight } from '../src/domain/tickets/duplicates.ts'
const require = createRequire(import.meta.url)
const idf = new Map<string, number>()
for (const line of (require('@node-rs/jieba/dict').idf as Buffer).toString('utf8').split('\n')) { const i = line.lastIndexOf(' '); if (i > 0) idf.set(line.slice(0, i), Number(line.slice(i + 1))) }
const seen = new Map<string, number>()
for (const file of process.argv.slice(2)) {
  const { pairs } = parsePairs(readFileSync(file, 'utf8'))
  for (const p of pairs) for (const w of sharedTerms(jiebaTokenize, textFeatures(jiebaTokenize, p.a, p.address ?? ''), textFeatures(jiebaTokenize, p.b, p.address ?? ''), 20)) seen.set(w, (seen.get(w) ?? 0) + 1)
}
const rows = [...seen].map(([w, n]) => [w, n, idf.get(w) ?? NaN, subjectWeight(jiebaTokenize, w)] as const).sort((a, b) => (a[2] || 99) - (b[2] || 99))
for (const r of rows) console.log(r[0], r[1], r[2].toFixed(2), r[3].toFixed(3))
