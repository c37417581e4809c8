/**
 * Which functions are taken for which on a labelled file (派单混淆), as `duban dispatch evaluate --demo --train`
 * scores it: the demo city's model taught the training file, then each line ranked by function. Prints COUNTS
 * only — label → first function, and what the township's third place (TOWNSHIP_SLOT) did — never a text, so that
 * running it on the held-out cities (cities-test.jsonl) tells where the errors are without showing the letters.
 *
 *   npx tsx scripts/dispatch-confusion.ts test/fixtures/dispatch/cities-test.jsonl test/fixtures/dispatch/cities-train.jsonl
 */
import { readFileSync } from 'node:fs'
import { jiebaTokenize } from '../src/adapters/text/jieba.tokenize.ts'
import { DEMO_DIR } from '../src/app/demo/seed-demo.ts'
import { coldStartModel, loadDemoInputs } from '../src/app/dispatch/dispatch-inputs.ts'
import { parseLabelledLines, trainOn } from '../src/app/dispatch/evaluate-dispatch.ts'
import { rankFunctions } from '../src/domain/dispatch/dispatch.model.ts'
import { TOWNSHIP_FUNCTION } from '../src/domain/tickets/unit-functions.ts'

const [file, train] = process.argv.slice(2)
if (!file) throw new Error('usage: dispatch-confusion.ts FILE.jsonl [TRAIN.jsonl]')
const model = coldStartModel(await loadDemoInputs(DEMO_DIR), jiebaTokenize)
if (train) trainOn(model, parseLabelledLines(readFileSync(train, 'utf8'), train))
const lines = parseLabelledLines(readFileSync(file, 'utf8'), file)
const pairs = new Map<string, number>()
let townshipInThree = 0
let townshipInThreeForDepartment = 0
let townshipLabelHitThird = 0
for (const l of lines) {
  const top = rankFunctions(model, { text: l.text, address: l.address }).map((f) => f.function)
  if (top[0] !== l.function) pairs.set(`${l.function} → ${top[0]}`, (pairs.get(`${l.function} → ${top[0]}`) ?? 0) + 1)
  if (top.includes(TOWNSHIP_FUNCTION)) {
    townshipInThree++
    if (l.function !== TOWNSHIP_FUNCTION) townshipInThreeForDepartment++
    else if (top[2] === TOWNSHIP_FUNCTION) townshipLabelHitThird++
  }
}
const misses = [...pairs.values()].reduce((a, b) => a + b, 0)
console.log(`${file}: ${lines.length} lines, ${misses} first-function misses; taught ${train ?? 'nothing'}`)
for (const [k, n] of [...pairs].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))) console.log(`${String(n).padStart(3)}  ${k}`)
console.log(`街道乡镇 among the three: ${townshipInThree} of ${lines.length}; for a department's letter ${townshipInThreeForDepartment}; a 街道乡镇 letter found at third place ${townshipLabelHitThird}`)
