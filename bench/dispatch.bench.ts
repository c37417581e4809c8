/**
 * Dispatch suggestions in process (智能派单建议吞吐量): `suggest()` calls per second on the demo city's model
 * (cold start from demo/units.csv, duties, the service and dispatch catalogues, then taught the 59 training
 * requests of test/fixtures/dispatch), over the evaluation requests (held-out demo requests and corpus plan
 * items, with their addresses), jieba segmentation included. Median of `runs` timed passes of at least one
 * second each after a one-second warm-up; also the p99 of single calls over all passes (the desk's budget is
 * 50 ms a suggestion).
 */
import { readFile } from 'node:fs/promises'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { jiebaTokenize } from '../src/adapters/text/jieba.tokenize.ts'
import { DEMO_DIR } from '../src/app/demo/seed-demo.ts'
import { coldStartModel, loadDemoInputs } from '../src/app/dispatch/dispatch-inputs.ts'
import { parseLabelledLines, trainOn } from '../src/app/dispatch/evaluate-dispatch.ts'
import { suggest } from '../src/domain/dispatch/dispatch.model.ts'
import { median, type Benchmark } from './bench.types.ts'

const SETS = fileURLToPath(new URL('../test/fixtures/dispatch/', import.meta.url))
const PASS_MS = 1000

export const benchmark: Benchmark = {
  name: 'dispatch',
  description: 'dispatch suggestions per second in process (jieba + naive Bayes + place), demo city model',
  async run({ runs, log }) {
    const read = async (f: string) => parseLabelledLines(await readFile(SETS + f, 'utf8'), f)
    const model = coldStartModel(await loadDemoInputs(DEMO_DIR), jiebaTokenize)
    const trained = trainOn(model, await read('demo-train.jsonl'))
    const queries = [...(await read('demo-heldout.jsonl')), ...(await read('corpus-plans.jsonl'))].map((l) => ({ text: l.text, address: l.address }))
    const meanChars = queries.reduce((a, q) => a + q.text.length, 0) / queries.length

    const latencies: number[] = []
    const pass = (record: boolean): number => {
      let n = 0
      const t0 = performance.now()
      while (performance.now() - t0 < PASS_MS) {
        for (const q of queries) {
          const t = performance.now()
          suggest(model, q)
          if (record) latencies.push(performance.now() - t)
          n++
        }
      }
      return n / ((performance.now() - t0) / 1000)
    }
    pass(false)
    const rates: number[] = []
    for (let i = 0; i < runs; i++) {
      rates.push(pass(true))
      log(`dispatch: pass ${i + 1}/${runs}: ${rates[i]!.toFixed(0)} suggestions/s`)
    }
    latencies.sort((a, b) => a - b)
    const p99 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ?? 0
    const perSecond = median(rates)
    const round2 = (x: number): number => Math.round(x * 100) / 100
    return {
      summary: `${perSecond.toFixed(0)} suggestions/s in process, p99 ${p99.toFixed(2)} ms (median of ${runs} passes over ${queries.length} requests of ${meanChars.toFixed(0)} characters on average)`,
      data: {
        suggestionsPerSecond: Math.round(perSecond),
        p99Ms: round2(p99),
        p50Ms: round2(latencies[Math.floor(latencies.length / 2)] ?? 0),
        requests: queries.length,
        meanChars: Math.round(meanChars),
        taughtLines: trained,
        functions: model.functions.docs.size,
        vocabulary: model.functions.vocabulary.size,
        runs: rates.map((r) => Math.round(r)),
      },
    }
  },
}
