/**
 * The rows of a unit file's first worksheet (.xlsx), as text. The app's unit import takes the reader as a
 * parameter: the HTTP route runs this in a bounded worker (parse-pool.ts), the CLI calls it in process.
 */
import ExcelJS from 'exceljs'
import { DubanError } from '../../domain/errors.ts'
import { checkZip } from './zip-guard.ts'

export async function readXlsxRows(bytes: Uint8Array, name = 'units.xlsx'): Promise<string[][]> {
  const wb = new ExcelJS.Workbook()
  // An .xlsx is a zip: its entries' expanded sizes are checked before ExcelJS inflates anything.
  checkZip(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), name)
  try {
    await wb.xlsx.load(Buffer.from(bytes) as unknown as ExcelJS.Buffer)
  } catch (e) {
    throw new DubanError('DUBAN_ERR_INPUT_FORMAT', `${name}: not a readable .xlsx file (${(e as Error).message})`, { where: name })
  }
  const sheet = wb.worksheets[0]
  if (!sheet) return []
  const rows: string[][] = []
  for (let r = 1; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r)
    const cells: string[] = []
    for (let c = 1; c <= Math.max(row.cellCount, 6); c++) cells.push(row.getCell(c).text ?? '')
    rows.push(cells)
  }
  return rows
}
