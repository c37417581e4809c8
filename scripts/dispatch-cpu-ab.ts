/**
 * CPU per suggest() (process.cpuUsage) of an older tree against this one, both models in one process, 10 passes
 * alternated A/B over the demo held-out requests, the corpus plan items and the training-city letters (× 5 each).
 * Machine-independent enough to compare on a loaded machine; wall-clock throughput is `npm run bench -- dispatch`.
 *
 *   git archive 975ea74 src demo test/fixtures/dispatch | tar -x -C /tmp/old && ln -s $PWD/node_modules /tmp/old/
 *   OLD=/tmp/old npx tsx scripts/dispatch-cpu-ab.ts
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
const load = async (root: string) => {
  const tok = await import(root + '/src/adapters/text/jieba.tokenize.ts')
  const inp = await import(root + '/src/app/dispatch/dispatch-inputs.ts')
  const ev = await import(root + '/src/app/dispatch/evaluate-dispatch.ts')
  const mod = await import(root + '/src/domain/dispatch/dispatch.model.ts')
  const model = inp.coldStartModel(await inp.loadDemoInputs(root + '/demo'), tok.jiebaTokenize)
  ev.trainOn(model, ev.parseLabelledLines(readFileSync(root + '/test/fixtures/dispatch/demo-train.jsonl', 'utf8'), 'x'))
  return (q: any) => mod.suggest(model, q)
}
const SETS = fileURLToPath(new URL('../test/fixtures/dispatch/', import.meta.url))
const qs = ['demo-heldout.jsonl', 'corpus-plans.jsonl', 'cities-train.jsonl'].flatMap(f => readFileSync(SETS + f, 'utf8').split('\n').filter(l => l.trim()).map(l => JSON.parse(l))).map(l => ({ text: l.text, address: l.address }))
const A = await load(process.env.OLD ?? '/tmp/old'), B = await load(fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, ''))
for (const f of [A, B]) for (const q of qs) f(q)
const per: Record<string, number[]> = { before: [], after: [] }
const all: Record<string, number[]> = { before: [], after: [] }
for (let pass = 0; pass < 10; pass++) for (const [name, f] of [['before', A], ['after', B]] as const) {
  const c0 = process.cpuUsage()
  for (let r = 0; r < 5; r++) for (const q of qs) { const c = process.cpuUsage(); f(q); const d = process.cpuUsage(c); all[name]!.push((d.user + d.system) / 1000) }
  const d = process.cpuUsage(c0)
  per[name]!.push((d.user + d.system) / 1000 / (5 * qs.length))
}
const med = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length / 2)]!
const p99 = (x: number[]) => [...x].sort((a, b) => a - b)[Math.floor(x.length * 0.99)]!
for (const k of ['before', 'after']) console.log(`${k}: CPU per suggestion, mean of each pass: median ${med(per[k]!).toFixed(3)} ms (passes ${per[k]!.map(x => x.toFixed(3)).join(' ')}); single calls p99 ${p99(all[k]!).toFixed(2)} ms, max ${Math.max(...all[k]!).toFixed(2)} ms, n ${all[k]!.length}`)
