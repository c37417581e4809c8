/**
 * The ledger (台账) as an .xlsx workbook: one row per item with owners, deadline, targets, latest progress,
 * status and whether it is overdue; frozen header, fixed column widths, ready to print. Streamed: items are read
 * a page at a time by number (keyset) and each row is committed to exceljs's streaming WorkbookWriter, which
 * zips it out at once, so memory stays bounded however long the ledger is (issue 7.3).
 */
import type { Writable } from 'node:stream'
import ExcelJS from 'exceljs'
import { pageAssessedItems, type AssessedItemRow } from '../../persistence/assessment.repo.ts'
import { kindCatalog } from '../../domain/kinds/index.ts'
import { endOfDay, instantMs } from '../../domain/workflow/time.ts'
import type { AppDeps } from '../deps.ts'
import { fullGc } from '../runtime/full-gc.ts'
import { scopeHoldsAny } from '../../domain/users/data-scope.ts'

/** The columns of the ledger, in order, with their widths (characters). */
export const LEDGER_COLUMNS: readonly { header: string; width: number }[] = [
  { header: '序号', width: 6 },
  { header: '编号', width: 14 },
  { header: '任务', width: 48 },
  { header: '牵头单位', width: 20 },
  { header: '责任单位', width: 24 },
  { header: '配合单位', width: 24 },
  { header: '完成时限', width: 12 },
  { header: '目标', width: 30 },
  { header: '进展', width: 40 },
  { header: '状态', width: 10 },
  { header: '是否逾期', width: 10 },
]

/** The zh label of an item's state under its kind, or the state name. */
export function stateLabel(kind: string, state: string): string {
  const def = kindCatalog.all.find((k) => k.id === kind)
  return def?.states[state]?.label ?? state
}

/** Whether an item is (or finished) past its due date at `now`. */
export function isOverdue(it: AssessedItemRow, now: Date): boolean {
  if (!it.dueDate || it.state === 'cancelled') return false
  const due = instantMs(endOfDay(it.dueDate))
  const finished = it.snapshot.clocks?.['due']?.stoppedAt ?? (it.stateType === 'closed' ? it.closedAt : null)
  return finished ? instantMs(finished) > due : now.getTime() > due
}

function targetsText(it: AssessedItemRow): string {
  const targets = Array.isArray(it.data['targets']) ? (it.data['targets'] as Record<string, unknown>[]) : []
  return targets.map((t) => (typeof t.text === 'string' && t.text ? t.text : `${String(t.metric)} ${String(t.comparison ?? '≥')} ${String(t.value)}${String(t.unit ?? '')}`)).join('；')
}

const names = (it: AssessedItemRow, role: string): string => it.units.filter((u) => u.role === role).map((u) => u.name).join('、')

/** Resolves when one of `streams` has emptied its write buffer ('drain') or closed, whichever comes first. */
function drainedOrClosed(...streams: Writable[]): Promise<void> {
  if (streams.some((s) => s.destroyed)) return Promise.resolve()
  return new Promise((resolve) => {
    const done = (): void => {
      for (const s of streams) s.off('drain', done).off('close', done)
      resolve()
    }
    for (const s of streams) s.on('drain', done).on('close', done)
  })
}

/**
 * Waits until the zip has taken the sheet XML written so far (or `out` closed). exceljs's streaming worksheet
 * writes its XML into the zip entry's input (a PassThrough archiver puts in front of the deflate) without
 * looking at backpressure: when rows come faster than the deflate compresses them, which `out` draining does not
 * show, that input grew by tens of MB (issue 7.3: 1M rows with server RSS ≤ 400 MB). `pipes` is StreamBuf's
 * list of its destinations (exceljs 4.4); without it this only waits for `out`.
 */
async function zipped(ws: ExcelJS.Worksheet, out: Writable): Promise<void> {
  const pipes = (ws as unknown as { stream?: { pipes?: unknown } }).stream?.pipes
  if (!Array.isArray(pipes)) return
  for (const p of pipes as (Writable & { _writableState?: { needDrain?: boolean } })[]) {
    // archiver's PassThrough is readable-stream 2's: no writableNeedDrain getter, the state says it.
    const needDrain = (): boolean => p.writableNeedDrain ?? p._writableState?.needDrain ?? false
    while (!out.destroyed && !p.destroyed && needDrain()) await drainedOrClosed(p, out)
  }
}

/**
 * A full GC every LEDGER_EXPORT_GC_ROWS rows. An export's garbage (row objects, the pages' JSON, 64 KB XML buffers,
 * zlib chunks) partly survives the young-generation collections across each page's awaits and piles up in old
 * space and array buffers until a major GC, which V8 ran only at ~160 MB of heap and ~50 MB of array buffers: a
 * server idling at ~210 MB peaked at 330–378 MB within 30 s of starting a 1M-row export (issue 7.3: ≤ 400 MB).
 * Collecting every 20,000 rows (every ~5–10 s; tens of ms each) keeps that pile to what 20 pages leave (runtime/full-gc.ts;
 * where the runtime refuses gc(), nothing).
 */
export const LEDGER_EXPORT_GC_ROWS = 20_000

/** Items read per page while streaming the ledger. */
export const LEDGER_EXPORT_PAGE = 1000

/**
 * Writes the ledger workbook of a kind's items (all states, as of the clock's now) to `out`, page by page, and
 * ends it. Waits for `out` to drain between pages, so a slow reader holds back the database reads, not memory.
 * With `scope` (the reader's scopeUnitIds; null = all) only the items the reader sees on the ledger screen.
 */
export async function writeLedgerXlsx(deps: AppDeps, out: Writable, kind = 'task', pageSize = LEDGER_EXPORT_PAGE, scope: readonly string[] | null = null): Promise<void> {
  const now = deps.clock.now()
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false })
  wb.creator = 'duban'
  wb.created = now
  const ws = wb.addWorksheet('台账', { views: [{ state: 'frozen', ySplit: 1 }], pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } })
  ws.columns = LEDGER_COLUMNS.map((c) => ({ header: c.header, width: c.width }))
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: LEDGER_COLUMNS.length } }
  const header = ws.getRow(1)
  header.font = { bold: true }
  header.alignment = { vertical: 'middle', horizontal: 'center' }
  header.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } }
    cell.border = { bottom: { style: 'thin' } }
  })
  header.commit()
  let n = 0
  let read = 0
  let collectedAt = 0
  let page = pageAssessedItems(deps.db, kind, null, pageSize)
  for (;;) {
    const items = await page
    read += items.length
    for (const it of items) {
      if (!scopeHoldsAny(scope, it.units.map((u) => u.unitId))) continue
      const overdue = isOverdue(it, now)
      const row = ws.addRow([
        ++n,
        it.number,
        it.title,
        names(it, 'lead'),
        names(it, 'responsible'),
        names(it, 'cooperating'),
        it.dueDate ?? '',
        targetsText(it),
        it.lastReport ?? (typeof it.data['progress'] === 'string' ? it.data['progress'] : ''),
        stateLabel(it.kind, it.state),
        overdue ? '是' : '否',
      ])
      row.alignment = { vertical: 'top', wrapText: true }
      if (overdue) row.getCell(LEDGER_COLUMNS.length).font = { color: { argb: 'FFC00000' }, bold: true }
      row.commit()
    }
    if (items.length < pageSize) break
    // The next page is read while this one is compressed; neither goes further until the zip has taken this
    // page's XML and `out` has room, so at most two pages are held however fast the database answers.
    page = pageAssessedItems(deps.db, kind, items.at(-1)!.number, pageSize)
    page.catch(() => undefined) // awaited above on the next turn; not an unhandled rejection meanwhile
    await zipped(ws, out)
    if (read - collectedAt >= LEDGER_EXPORT_GC_ROWS) {
      collectedAt = read
      fullGc()
    }
    if (out.writableNeedDrain) await drainedOrClosed(out)
    if (out.destroyed) {
      await page.catch(() => undefined)
      throw new Error('ledger export: the output closed before the end')
    }
  }
  ws.commit()
  await wb.commit()
}
