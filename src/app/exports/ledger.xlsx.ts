/**
 * The ledger (台账) as an .xlsx workbook: one row per item with owners, deadline, targets, latest progress,
 * status and whether it is overdue; frozen header, fixed column widths, ready to print.
 */
import ExcelJS from 'exceljs'
import { listAssessedItems, type AssessedItemRow } from '../../adapters/db/assessment.repo.ts'
import { kindCatalog } from '../../domain/kinds/index.ts'
import { endOfDay, instantMs } from '../../domain/workflow/time.ts'
import type { AppDeps } from '../deps.ts'

/** The columns of the ledger, in order, with their widths (characters). */
export const LEDGER_COLUMNS: readonly { header: string; width: number }[] = [
  { header: '序号', width: 6 },
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

/** Builds the ledger workbook of a kind's items (all states) as of the clock's now. */
export async function buildLedgerXlsx(deps: AppDeps, kind = 'task'): Promise<Buffer> {
  const now = deps.clock.now()
  const items = await listAssessedItems(deps.db, kind)
  const wb = new ExcelJS.Workbook()
  wb.creator = 'duban'
  wb.created = now
  const ws = wb.addWorksheet('台账', { views: [{ state: 'frozen', ySplit: 1 }], pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 } })
  ws.columns = LEDGER_COLUMNS.map((c) => ({ header: c.header, width: c.width }))
  const header = ws.getRow(1)
  header.font = { bold: true }
  header.alignment = { vertical: 'middle', horizontal: 'center' }
  header.eachCell((cell) => {
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } }
    cell.border = { bottom: { style: 'thin' } }
  })
  items.forEach((it, i) => {
    const overdue = isOverdue(it, now)
    const row = ws.addRow([
      i + 1,
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
    if (overdue) row.getCell(10).font = { color: { argb: 'FFC00000' }, bold: true }
  })
  ws.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: LEDGER_COLUMNS.length } }
  return Buffer.from(await wb.xlsx.writeBuffer())
}
