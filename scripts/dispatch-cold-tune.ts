/**
 * The cold start (nothing taught) on the training side only, for tuning what the cold start reads (FUNCTION_DUTIES,
 * FUNCTION_CATALOGUE, features): the 242 training-side letters (scripts/dispatch-sets.ts; the cold start is taught none
 * of them, so every letter is out of sample and no folds are needed), the demo city's 83 requests and the 28 real plan
 * items. cities-test*.jsonl are never read. MISSES=1 prints the training-side top-1 misses.
 *
 *   npx tsx scripts/dispatch-cold-tune.ts
 */
import { jiebaTokenize } from '../src/adapters/text/jieba.tokenize.ts'
import { coldStartModel } from '../src/app/dispatch/dispatch-inputs.ts'
import { rankFunctions } from '../src/domain/dispatch/dispatch.model.ts'
import { count, demoInputs, demoRequests, fmt, newTally, planItems, trainingSide, type Letter } from './dispatch-sets.ts'

const model = coldStartModel(demoInputs, jiebaTokenize)
function score(name: string, lines: readonly Letter[]): void {
  const t = newTally()
  for (const l of lines) {
    const top = rankFunctions(model, { text: l.text, address: l.address }).map((f) => f.function)
    count(t, l.function, top)
    if (process.env.MISSES && (process.env.MISSES === '3' ? !top.includes(l.function) : name === 'training side' && top[0] !== l.function)) console.log(`   ${l.function} → ${top.join(' ')} | ${l.text}`)
  }
  console.log(`${name} (${t[0]}), cold: top-1 / top-3 ${fmt(t)}`)
}
score('training side', trainingSide)
score('demo requests', demoRequests)
score('plan items', planItems)
