/**
 * `duban dispatch suggest | evaluate`: dispatch suggestions (智能派单) from the command line — one JSON line
 * out per JSON line in, and top-1/top-3 accuracy by function on a labelled file.
 */
import { randomUUID } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { createInterface } from 'node:readline'
import { performance } from 'node:perf_hooks'
import type { AppDeps } from '../../app/deps.ts'
import { DEMO_DIR } from '../../app/demo/seed-demo.ts'
import { coldStartModel, loadDemoInputs } from '../../app/dispatch/dispatch-inputs.ts'
import { createDispatchSuggester } from '../../app/dispatch/dispatch-suggester.ts'
import { crossValidate, evaluateOn, parseLabelledLines, reportOf, trainOn, type EvaluationReport } from '../../app/dispatch/evaluate-dispatch.ts'
import { writeUnitDuties } from '../../app/dispatch/seed-duties.ts'
import { rankFunctions, suggest, type DispatchQuery, type DispatchSuggestion } from '../../domain/dispatch/dispatch.model.ts'
import type { Accuracy } from '../../domain/dispatch/evaluate.ts'
import { DubanError } from '../../domain/errors.ts'
import { jiebaTokenize } from '../text/jieba.tokenize.ts'
import { openCliDb, takeDataDir } from './cli-db.ts'

const USAGE = `usage: duban dispatch suggest [--data DIR | --demo]
       duban dispatch evaluate FILE.jsonl [--train FILE.jsonl]… [--folds K] [--data DIR | --demo] [--json]
       duban dispatch duties FILE.json [--data DIR]
       duban dispatch duplicates-evaluate FILE.jsonl [--threshold X] [--json]

suggest   reads JSON lines {"text", "address"?} on stdin and writes one line
          {"suggestions": [{"unit": {"id", "name", "function"}, "confidence"}]} per input (best first, at most 3)
evaluate  prints top-1 (recall) and top-3 accuracy and the precision of the first suggestion by function,
          for lines {"text", "function", "address"?}: the
          functions the model ranks, each served at the request's place (街道乡镇 counts where the place is
          not in this city: the address picks the township); then the same figure on the units suggest names,
          and each shown function's confidence (1st, 2nd, 3rd) against how often it was right (calibration);
          --train teaches the model other labelled lines first;
          --folds K (with --demo) cross-validates on FILE: line i held out in fold i mod K, the rest taught
duplicates-evaluate  precision and recall of duplicate detection (重复诉求) on labelled pairs
          {"a", "b", "address"?, "duplicate"}, at the platform's threshold unless --threshold
duties    writes units' responsibilities (职责) from {"duties": {"<unit id>": "…"}} (as demo/hotline/duties.json),
          replacing what is written; the suggester learns them at its next refresh

The model is the database's (DATABASE_URL, else PGlite in --data DIR, default ./.duban-data): units with their
duties, the service and dispatch catalogues, and every closed ticket. --demo builds it from the demo city's
files instead (demo/units.csv, demo/hotline/duties.json, catalogue.json, dispatch-rules.json), with no database.`

type Suggest = (q: DispatchQuery) => Promise<DispatchSuggestion[]>
type RankFunctions = (q: DispatchQuery) => Promise<{ function: string; probability: number }[]>

/** The suggest function and a way to let it go, from the database or from the demo files. */
async function openModel(args: { demo: boolean; dataDir: string }): Promise<{ suggest: Suggest; rankFunctions: RankFunctions; model?: ReturnType<typeof coldStartModel>; close: () => Promise<void> }> {
  if (args.demo) {
    const model = coldStartModel(await loadDemoInputs(DEMO_DIR), jiebaTokenize)
    return { model, suggest: async (q) => suggest(model, q), rankFunctions: async (q) => rankFunctions(model, q), close: async () => {} }
  }
  const db = await openCliDb(args.dataDir)
  const deps: AppDeps = { db, clock: { now: () => new Date() }, newId: randomUUID }
  const suggester = createDispatchSuggester(deps, jiebaTokenize, { refreshMs: Number.POSITIVE_INFINITY })
  return { suggest: (q) => suggester.suggest(q), rankFunctions: (q) => suggester.rankFunctions(q), close: () => db.close() }
}

async function runSuggest(open: { demo: boolean; dataDir: string }): Promise<number> {
  const m = await openModel(open)
  try {
    let n = 0
    for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
      n++
      if (!line.trim()) continue
      let q: Partial<DispatchQuery>
      try {
        q = JSON.parse(line) as Partial<DispatchQuery>
      } catch {
        process.stdout.write(JSON.stringify({ error: `line ${n}: not JSON` }) + '\n')
        continue
      }
      if (typeof q.text !== 'string') {
        process.stdout.write(JSON.stringify({ error: `line ${n}: "text" must be a string` }) + '\n')
        continue
      }
      const suggestions = await m.suggest({ text: q.text, address: typeof q.address === 'string' ? q.address : undefined })
      process.stdout.write(JSON.stringify({ suggestions }) + '\n')
    }
    return 0
  } finally {
    await m.close()
  }
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`
// The function name comes last: Chinese names are two columns a character and would break the alignment.
// top-1 is the function's recall; precision is of the requests it was first for (— when never first).
const row = (name: string, a: Accuracy): string =>
  `${(a.n ? pct(a.top1) : '—').padStart(6)}  ${(a.n ? pct(a.top3) : '—').padStart(6)}  ${(a.first ? pct(a.precision) : '—').padStart(9)}  ${String(a.first).padStart(5)}  ${String(a.n).padStart(4)}  ${name}`

async function runEvaluate(file: string, trainFiles: readonly string[], open: { demo: boolean; dataDir: string }, json: boolean, folds: number): Promise<number> {
  const read = async (f: string): Promise<string> =>
    readFile(f, 'utf8').catch(() => {
      throw new DubanError('DUBAN_ERR_INPUT_NOT_FOUND', f)
    })
  const lines = parseLabelledLines(await read(file), file)
  const train = (await Promise.all(trainFiles.map(async (f) => parseLabelledLines(await read(f), f)))).flat()
  if (folds > 0 && (!open.demo || folds < 2 || folds > lines.length)) throw new DubanError('DUBAN_ERR_FIELD_INVALID', `--folds needs --demo and 2 to ${lines.length}`, { where: 'folds' })
  if (train.length > 0 && !open.demo) throw new DubanError('DUBAN_ERR_FIELD_INVALID', '--train works with --demo (the database model learns from closed tickets)', { where: 'train' })
  const m = await openModel(open)
  try {
    let report: EvaluationReport
    // One request first, untimed: the segmenter loads its dictionary on first use.
    if (lines[0]) await m.rankFunctions({ text: lines[0].text })
    const t0 = performance.now()
    if (folds > 0) {
      const inputs = await loadDemoInputs(DEMO_DIR)
      report = crossValidate(() => coldStartModel(inputs, jiebaTokenize), lines, folds, train)
    } else if (m.model) {
      trainOn(m.model, train)
      report = evaluateOn(m.model, lines)
    } else {
      const cases = []
      for (const l of lines) {
        const q = { text: l.text, address: l.address }
        const ranked = await m.rankFunctions(q)
        cases.push({
          byFunction: { function: l.function, suggested: ranked.map((f) => f.function), confidence: ranked[0]?.probability, confidences: ranked.map((f) => f.probability) },
          byUnit: { function: l.function, suggested: (await m.suggest(q)).map((s) => s.unit.function) },
        })
      }
      report = reportOf(cases)
    }
    const ms = (performance.now() - t0) / Math.max(1, lines.length)
    if (json) {
      process.stdout.write(JSON.stringify({ file, trained: train.length, folds, ...report }) + '\n')
      return 0
    }
    const how = [folds > 0 ? `${folds}-fold cross-validation` : '', train.length ? `model taught ${train.length} lines first` : ''].filter(Boolean).join(', ')
    process.stdout.write(`${file}: ${lines.length} requests${how ? `, ${how}` : ''}\n`)
    process.stdout.write(`${'top-1'.padStart(6)}  ${'top-3'.padStart(6)}  ${'precision'.padStart(9)}  ${'first'.padStart(5)}  ${'n'.padStart(4)}  function  (top-1 = recall; precision of the first suggestion, first = times suggested first)\n`)
    for (const [fn, a] of Object.entries(report.byFunction)) process.stdout.write(row(fn, a) + '\n')
    process.stdout.write(row('overall', report.overall) + '\n')
    // Under --folds the time includes building K models: not a suggestion's time.
    process.stdout.write(`top-1 ${report.overall.top1.toFixed(3)}  top-3 ${report.overall.top3.toFixed(3)}${folds > 0 ? '' : `  (${ms.toFixed(2)} ms per request, ranked and suggested)`}\n`)
    process.stdout.write(`units suggested: top-1 ${report.units.top1.toFixed(3)}  top-3 ${report.units.top3.toFixed(3)}  (no 街道乡镇 unit where the place is not in this city)\n`)
    const bands = report.calibration.bands.filter((b) => b.n > 0).map((b) => `${b.from.toFixed(1)}–${b.to.toFixed(1)}: ${b.n} said ${b.meanConfidence.toFixed(2)}, right ${b.top1.toFixed(2)}`)
    process.stdout.write(`confidence of the first function: ${bands.join('; ')}  (calibration error ${report.calibration.expectedError.toFixed(3)})\n`)
    // The second and third functions' confidences (each the probability that this function is the right one).
    for (const [k, name] of [[1, 'second'], [2, 'third']] as const) {
      const c = report.calibrationByRank[k]!
      const n = c.bands.reduce((a, b) => a + b.n, 0)
      const said = n ? c.bands.reduce((a, b) => a + b.meanConfidence * b.n, 0) / n : 0
      const right = n ? c.bands.reduce((a, b) => a + b.top1 * b.n, 0) / n : 0
      const kb = c.bands.filter((b) => b.n > 0).map((b) => `${b.from.toFixed(1)}–${b.to.toFixed(1)}: ${b.n} said ${b.meanConfidence.toFixed(2)}, right ${b.top1.toFixed(2)}`)
      process.stdout.write(`confidence of the ${name} function: ${kb.join('; ')}; all ${n} said ${said.toFixed(3)}, right ${right.toFixed(3)}  (calibration error ${c.expectedError.toFixed(3)})\n`)
    }
    process.stdout.write(`calibration error by rank: 1st ${report.calibrationByRank[0]!.expectedError.toFixed(3)}  2nd ${report.calibrationByRank[1]!.expectedError.toFixed(3)}  3rd ${report.calibrationByRank[2]!.expectedError.toFixed(3)}\n`)
    return 0
  } finally {
    await m.close()
  }
}

async function runDuties(file: string, dataDir: string): Promise<number> {
  const text = await readFile(file, 'utf8').catch(() => {
    throw new DubanError('DUBAN_ERR_INPUT_NOT_FOUND', file)
  })
  let duties: unknown
  try {
    duties = (JSON.parse(text) as { duties?: unknown }).duties
  } catch {
    throw new DubanError('DUBAN_ERR_FIELD_INVALID', `${file}: not JSON`, { where: 'duties' })
  }
  if (!duties || typeof duties !== 'object' || Object.values(duties).some((v) => typeof v !== 'string')) {
    throw new DubanError('DUBAN_ERR_FIELD_INVALID', `${file}: expected {"duties": {"<unit id>": "text"}}`, { where: 'duties' })
  }
  const db = await openCliDb(dataDir)
  try {
    const r = await writeUnitDuties({ db, clock: { now: () => new Date() }, newId: randomUUID }, duties as Record<string, string>)
    process.stdout.write(`duties written for ${r.written} units${r.unknown.length ? `; no such unit: ${r.unknown.join(', ')}` : ''}\n`)
    return r.unknown.length ? 1 : 0
  } finally {
    await db.close()
  }
}

/** Runs `duban dispatch`; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  // 重复诉求识别评测 lives beside the ticket duplicates (duplicates.command.ts).
  if (args[0] === 'duplicates-evaluate') return (await import('./duplicates.command.ts')).run(args.slice(1))
  const { dataDir, rest } = takeDataDir(args)
  const positional: string[] = []
  const trainFiles: string[] = []
  let demo = false
  let json = false
  let folds = 0
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!
    if (a === '--demo') demo = true
    else if (a === '--json') json = true
    else if (a === '--train') trainFiles.push(rest[++i] ?? '')
    else if (a === '--folds') folds = Number(rest[++i] ?? 'NaN')
    else if (a.startsWith('--train=')) trainFiles.push(a.slice(8))
    else positional.push(a)
  }
  const [sub, ...params] = positional
  if (!sub || sub === '-h' || sub === '--help') {
    process.stdout.write(USAGE + '\n')
    return sub ? 0 : 2
  }
  try {
    if (sub === 'suggest' && params.length === 0) return await runSuggest({ demo, dataDir })
    if (sub === 'duties' && params.length === 1 && !demo) return await runDuties(params[0]!, dataDir)
    if (sub === 'evaluate' && params.length === 1 && !trainFiles.includes('') && Number.isInteger(folds)) return await runEvaluate(params[0]!, trainFiles, { demo, dataDir }, json, folds)
    process.stderr.write(`duban dispatch: bad arguments\n${USAGE}\n`)
    return 2
  } catch (e) {
    if (!(e instanceof DubanError)) throw e
    process.stderr.write(`duban dispatch: ${e.message}\n`)
    return 1
  }
}
