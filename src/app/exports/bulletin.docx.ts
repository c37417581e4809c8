/**
 * The monthly bulletin (通报) as a .docx: 关于X月份重点工作督办情况的通报 with the summary figures, the
 * ranking table, a red and black list (红黑榜), and the overdue items with their lead units, in the
 * order such bulletins are printed (日检查、旬通报、月评比 → 整改通知 → 通报批评 …).
 */
import { AlignmentType, Document, HeadingLevel, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx'
import { listOpenDueBy } from '../../persistence/assessment.repo.ts'
import { localDate } from '../../domain/workflow/time.ts'
import { assessUnits, type Assessment } from '../assessment/assess-units.ts'
import type { AppDeps } from '../deps.ts'
import { scopeHoldsAny } from '../../domain/users/data-scope.ts'
import { isOverdue } from './ledger.xlsx.ts'
import { chineseDate } from './notice.docx.ts'
import { issueBulletinNumber } from '../../persistence/office.repo.ts'
import { chinaDateOf } from '../../domain/calendar/china-time.value.ts'
import { issuingOfficeFor } from '../office/office-profile.ts'

const FONT = '仿宋_GB2312'
const pct = (v: number | null): string => (v === null ? '—' : `${(Math.round(v * 1000) / 10).toFixed(1)}%`)
const text = (s: string, opts: { bold?: boolean; size?: number; font?: string } = {}): TextRun =>
  new TextRun({ text: s, bold: opts.bold ?? false, size: opts.size ?? 32, font: opts.font ?? FONT })
const para = (s: string, opts: { bold?: boolean; center?: boolean; size?: number; font?: string; indent?: boolean } = {}): Paragraph =>
  new Paragraph({
    children: [text(s, opts)],
    alignment: opts.center ? AlignmentType.CENTER : AlignmentType.JUSTIFIED,
    ...(opts.indent === false ? {} : { indent: { firstLine: 640 } }),
    spacing: { line: 560 },
  })
const heading = (s: string): Paragraph => new Paragraph({ children: [text(s, { font: '黑体' })], spacing: { line: 560 }, indent: { firstLine: 640 } })

function table(headers: readonly string[], rows: readonly (readonly string[])[]): Table {
  const cell = (s: string, bold = false): TableCell => new TableCell({ children: [new Paragraph({ children: [text(s, { bold, size: 24 })], alignment: AlignmentType.CENTER })] })
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    rows: [new TableRow({ tableHeader: true, children: headers.map((h) => cell(h, true)) }), ...rows.map((r) => new TableRow({ children: r.map((c) => cell(c)) }))],
  })
}

/** The figures and lists a bulletin prints, so a test can read them without opening the file. */
export interface BulletinContent {
  readonly title: string
  readonly summary: string
  readonly red: readonly string[]
  readonly black: readonly string[]
  readonly overdue: readonly { number: string; title: string; lead: string; due: string; daysLate: number }[]
  readonly assessment: Assessment
}

/** Gathers the bulletin's content for a period; with `scope` (the reader's scopeUnitIds) only the units and items in it. */
export async function bulletinContent(deps: AppDeps, periodKey: string, kind = 'task', scope: readonly string[] | null = null): Promise<BulletinContent> {
  const a = await assessUnits(deps, periodKey, kind, scope)
  // As of the end of the last day counted: a period that ended at midnight is reported as of its last date.
  const asOfDate = localDate(new Date(Date.parse(a.asOf) - 1).toISOString())
  const asOf = new Date(a.asOf)
  // Only open items due by the as-of date can be overdue: read those, not the whole ledger.
  const overdue = (await listOpenDueBy(deps.db, kind, localDate(a.asOf)))
    .filter((it) => scopeHoldsAny(scope, it.units.map((u) => u.unitId)))
    .filter((it) => it.dueDate && it.stateType !== 'closed' && it.state !== 'cancelled' && !it.snapshot.clocks?.['due']?.stoppedAt && isOverdue(it, asOf))
    .map((it) => ({
      number: it.number,
      title: it.title,
      lead: it.units.filter((u) => u.role === 'lead').map((u) => u.name).join('、'),
      due: it.dueDate!,
      daysLate: Math.max(0, (Date.parse(asOfDate) - Date.parse(it.dueDate!)) / 86_400_000),
    }))
    .sort((x, y) => y.daysLate - x.daysLate || x.number.localeCompare(y.number))
  // 红榜 says "按时办结、无逾期": only a unit of the top three whose counted work was all on time and that has
  // nothing overdue may stand on it, so the list never contradicts the table above it.
  const ranked = a.rows.filter((r) => r.rank !== null)
  const red = ranked.filter((r) => r.rank! <= 3 && r.overdue === 0 && r.onTime.value === 1).map((r) => r.unitName)
  const black = a.rows.filter((r) => r.overdue > 0).sort((x, y) => y.overdue - x.overdue).map((r) => `${r.unitName}（逾期${r.overdue}项）`)
  const s = a.summary
  const summary =
    `截至${asOfDate.slice(0, 4)}年${Number(asOfDate.slice(5, 7))}月${Number(asOfDate.slice(8, 10))}日，纳入督办的重点工作共${s.items}项，` +
    `${a.period.label}应办结${s.dueInPeriod}项，已办结${s.finishedInPeriod}项，按时办结率${pct(s.onTime.value)}，逾期未办结${s.overdue}项。`
  return { title: `关于${a.period.titleLabel}重点工作督办情况的通报`, summary, red, black, overdue, assessment: a }
}

/** What the 通报 is signed and numbered with: 文号, 落款 and the date it was first issued. */
export interface BulletinHeading {
  readonly number: string
  readonly issuingOffice: string
  readonly issuedOn: string
}

/**
 * The 通报's number (given once per office, period and kind, then kept), the office's 落款 and the issue date. The
 * office is the one of the area `scope` covers (a district's 督查室 over its district numbers its own), else the top's.
 */
export async function bulletinHeading(deps: AppDeps, periodKey: string, kind = 'task', scope: readonly string[] | null = null): Promise<BulletinHeading> {
  const office = await issuingOfficeFor(deps, scope)
  const today = chinaDateOf(deps.clock.now().getTime())
  const year = Number(today.slice(0, 4))
  const issue = await deps.db.transaction((tx) =>
    issueBulletinNumber(tx, { office: office.office, periodKey, kind, year, issuedOn: today, at: deps.clock.now(), format: (seq) => `${office.bulletinPrefix}〔${year}〕${seq}号` }),
  )
  return { number: issue.number, issuingOffice: office.issuingOffice, issuedOn: issue.issuedOn }
}

/** Builds the bulletin .docx for a period (within `scope`, the reader's scopeUnitIds; null = all units). */
export async function buildBulletinDocx(deps: AppDeps, periodKey: string, kind = 'task', scope: readonly string[] | null = null): Promise<Buffer> {
  const c = await bulletinContent(deps, periodKey, kind, scope)
  const h = await bulletinHeading(deps, periodKey, kind, scope)
  const a = c.assessment
  const doc = new Document({
    creator: 'duban',
    title: c.title,
    sections: [
      {
        children: [
          para(h.number, { center: true, indent: false }),
          para(c.title, { center: true, size: 44, font: '方正小标宋简体', indent: false }),
          para('各有关单位：', { indent: false }),
          para(`现将${a.period.label}重点工作督办情况通报如下。`),
          heading('一、总体情况'),
          para(c.summary),
          heading('二、考核排名'),
          table(
            ['排名', '单位', '事项数', '按时办结率', '逾期数', '目标完成率', '按时报送率', '综合得分'],
            a.rows.map((r) => [r.rank === null ? '—' : String(r.rank), r.unitName, String(r.items), pct(r.onTime.value), String(r.overdue), pct(r.targetsMet.value), pct(r.reporting.value), r.score === null ? '—' : r.score.toFixed(2)]),
          ),
          heading('三、红黑榜'),
          para(`红榜（按时办结、无逾期）：${c.red.length > 0 ? c.red.join('、') : '无'}。`),
          para(`黑榜（存在逾期未办结事项）：${c.black.length > 0 ? c.black.join('、') : '无'}。`),
          heading('四、逾期事项清单'),
          c.overdue.length > 0
            ? table(['序号', '编号', '任务', '牵头单位', '完成时限', '逾期天数'], c.overdue.map((o, i) => [String(i + 1), o.number, o.title, o.lead, o.due, String(o.daysLate)]))
            : para('本期无逾期未办结事项。'),
          heading('五、下步要求'),
          para('请上榜逾期单位对照督办单要求，于5个工作日内书面报送整改情况。对逾期未整改的，将依次采取约谈提醒、通报批评等措施；情节严重的，按规定启动问责程序。考核结果纳入年度综合考评，与评先树优挂钩。'),
          para(''),
          new Paragraph({ children: [text(h.issuingOffice)], alignment: AlignmentType.RIGHT, spacing: { line: 560 } }),
          new Paragraph({ children: [text(chineseDate(h.issuedOn))], alignment: AlignmentType.RIGHT, spacing: { line: 560 } }),
        ],
      },
    ],
  })
  return Packer.toBuffer(doc)
}
