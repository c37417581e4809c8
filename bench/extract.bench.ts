/**
 * Extraction throughput (抽取吞吐量): how fast the plan reader turns decoded text into items.
 * Files are read and decoded once; then extractPlan runs over all of them, once to warm up and
 * `runs` times timed, in this process. Input: the corpus seeds (../shared/corpus/seeds/*.txt),
 * or the repository's demo plans when the corpus is absent. Then task-table throughput (rows/s) on a
 * generated 10,000-row .xlsx, read end to end.
 */
import { existsSync } from 'node:fs'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { performance } from 'node:perf_hooks'
import * as XLSX from '@e965/xlsx'
import { fromBytes, readInput, type InputText } from '../src/adapters/input/read-input.ts'
import { extractPlan } from '../src/domain/text/extract.ts'
import { median, type Benchmark } from './bench.types.ts'

const repo = fileURLToPath(new URL('..', import.meta.url))

/** Where the inputs come from: the corpus seeds, else the demo plans. */
async function findInputs(): Promise<{ source: string; paths: string[] } | null> {
  const seeds = join(repo, '../shared/corpus/seeds')
  if (existsSync(seeds)) {
    const names = (await readdir(seeds)).filter((n) => n.endsWith('.txt')).sort()
    if (names.length) return { source: '../shared/corpus/seeds/*.txt', paths: names.map((n) => join(seeds, n)) }
  }
  const demo = join(repo, 'demo')
  if (existsSync(demo)) {
    const names = (await readdir(demo, { recursive: true })).filter((n) => /\.(txt|docx|html?|pdf)$/i.test(n) && /plan|要点|方案|计划/i.test(n)).sort()
    if (names.length) return { source: 'demo/ plan files (../shared/corpus is missing)', paths: names.map((n) => join(demo, n)) }
  }
  return null
}

/** The `extract` benchmark. */
export const benchmark: Benchmark = {
  name: 'extract',
  description: 'plan reader throughput (MB/s) over the corpus, in process',
  async run({ runs, log }) {
    const found = await findInputs()
    if (!found) throw new Error('no input: ../shared/corpus/seeds is missing and demo/ has no plan files')
    if (!found.source.startsWith('../shared/corpus')) log(`extract: the corpus is missing; measuring ${found.source}`)
    const inputs: InputText[] = []
    for (const p of found.paths) inputs.push(await readInput(p))
    // Throughput counts the UTF-8 size of the decoded text: what extractPlan is given.
    const sizes = inputs.map((i) => Buffer.byteLength(i.text, 'utf8'))
    const totalBytes = sizes.reduce((a, b) => a + b, 0)

    type Pass = { total: number; perFile: number[]; items: number }
    const once = (): Pass => {
      const perFile: number[] = []
      let items = 0
      const t0 = performance.now()
      for (const input of inputs) {
        const t = performance.now()
        const result = extractPlan(input.text, { file: input.file, encoding: input.encoding })
        perFile.push(performance.now() - t)
        for (const d of result.documents) items += d.items.length
      }
      return { total: performance.now() - t0, perFile, items }
    }

    // Warm-up: let the JIT settle (three passes, or one second, whichever is longer).
    const warmStart = performance.now()
    let warm = once()
    for (let n = 1; n < 3 || performance.now() - warmStart < 1000; n++) warm = once()
    log(`extract: warm-up done, last pass ${warm.total.toFixed(1)} ms, ${warm.items} items from ${inputs.length} files (${(totalBytes / 1e6).toFixed(3)} MB)`)
    const timed: Pass[] = []
    for (let r = 0; r < runs; r++) {
      const t = once()
      timed.push(t)
      log(`extract: run ${r + 1}/${runs} ${t.total.toFixed(1)} ms`)
    }
    const perFile = inputs.map((input, i) => {
      const ms = median(timed.map((t) => t.perFile[i]!))
      return { file: input.file, bytes: sizes[i]!, medianMs: round(ms), mbPerSecond: round(sizes[i]! / 1e6 / (ms / 1000)) }
    })
    for (const f of perFile) log(`extract:   ${f.file}  ${f.bytes} bytes  median ${f.medianMs} ms  ${f.mbPerSecond} MB/s`)
    const totals = timed.map((t) => t.total)
    const med = median(totals)
    const mbPerS = totalBytes / 1e6 / (med / 1000)
    const table = await tableThroughput(runs, log)
    return {
      summary:
        `${mbPerS.toFixed(2)} MB/s — median ${med.toFixed(1)} ms (min ${Math.min(...totals).toFixed(1)}) per pass over ${inputs.length} files, ${(totalBytes / 1e6).toFixed(3)} MB, ${warm.items} items (${runs} runs after warm-up); ` +
        `tables: ${table.rowsPerSecond} rows/s for a ${TABLE_ROWS}-row .xlsx (median ${table.medianMs} ms, read + extract)`,
      data: {
        table,
        input: found.source,
        files: perFile,
        totalBytes,
        items: warm.items,
        warmupLastPassMs: round(warm.total),
        runsMs: totals.map(round),
        medianMs: round(med),
        minMs: round(Math.min(...totals)),
        maxMs: round(Math.max(...totals)),
        mbPerSecond: round(mbPerS),
        unit: 'MB = 10^6 bytes of UTF-8 text handed to extractPlan',
      },
    }
  },
}

/** Rows of the generated task table. */
const TABLE_ROWS = 10_000

/**
 * Table throughput: a 10,000-row 任务分解表 .xlsx (section rows every 50 rows, the lead cell
 * merged down over pairs of rows) made in memory, then read end to end as `duban extract` does:
 * fromBytes (zip check, SheetJS, merges, rendering) + extractPlan. Rows/s counts task rows.
 */
async function tableThroughput(runs: number, log: (s: string) => void) {
  const rows: unknown[][] = [['云州市2026年重点任务分解表'], ['序号', '重点工作任务', '具体措施', '牵头单位', '配合单位', '分管领导', '完成时限']]
  const merges: XLSX.Range[] = [XLSX.utils.decode_range('A1:G1')]
  const cn = '一二三四五六七八九十'
  for (let n = 1; n <= TABLE_ROWS; n++) {
    if (n % 50 === 1) {
      const k = Math.floor(n / 50)
      rows.push([`${cn[Math.floor(k / 10) % 10] ?? ''}${cn[k % 10]}、第${k + 1}组重点任务`])
      merges.push({ s: { r: rows.length - 1, c: 0 }, e: { r: rows.length - 1, c: 6 } })
    }
    rows.push([n, `推进第${n}项重点工作，完成年度目标任务`, `细化措施${n}，按月调度`, n % 2 ? `市直部门${n % 37}` : '', '各区县人民政府、市财政局', '王明', `2026年${(n % 12) + 1}月底前`])
    if (n % 2 === 0) merges.push({ s: { r: rows.length - 2, c: 3 }, e: { r: rows.length - 1, c: 3 } })
  }
  const wb = XLSX.utils.book_new()
  const ws = XLSX.utils.aoa_to_sheet(rows)
  ws['!merges'] = merges
  XLSX.utils.book_append_sheet(wb, ws, '任务分解表')
  const bytes = XLSX.write(wb, { type: 'buffer', bookType: 'xlsx', compression: true }) as Buffer
  const pass = async () => {
    const t = performance.now()
    const input = await fromBytes(bytes, 'bench-10000.xlsx')
    const result = extractPlan(input.text, { file: input.file, encoding: input.encoding, ...(input.rows ? { rows: input.rows } : {}) })
    const items = result.documents.reduce((a, d) => a + d.items.filter((i) => i.table).length, 0)
    return { ms: performance.now() - t, items }
  }
  const warm = await pass()
  log(`extract: table warm-up ${warm.ms.toFixed(0)} ms, ${warm.items} table items from a ${TABLE_ROWS}-row .xlsx (${(bytes.length / 1e6).toFixed(2)} MB)`)
  if (warm.items !== TABLE_ROWS) throw new Error(`table bench: read ${warm.items} items, expected ${TABLE_ROWS}`)
  const times: number[] = []
  for (let r = 0; r < Math.min(runs, 5); r++) {
    const t = await pass()
    times.push(t.ms)
    log(`extract: table run ${r + 1} ${t.ms.toFixed(0)} ms`)
  }
  const med = median(times)
  return {
    rows: TABLE_ROWS,
    fileBytes: bytes.length,
    runsMs: times.map(round),
    medianMs: round(med),
    rowsPerSecond: Math.round(TABLE_ROWS / (med / 1000)),
    unit: 'task rows per second, fromBytes + extractPlan on an in-memory .xlsx',
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100
}
