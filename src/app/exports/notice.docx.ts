/**
 * The printable 督办通知单 (.docx): number (文号), the units it is addressed to (主送), the task with its due
 * date, the reason, the reply deadline, and the issuing office's 落款 with the date of issue — what a 督查室
 * prints, stamps and sends. Who may read it is who may see the notice (listSupervisionNotices' scope). The 落款 is
 * the office that issued and numbered it (stored on the notice: a district 督查室's notice is the district's, as for
 * the 通报; the ladder's, the top's), whatever its issuer's data scope has become since.
 */
import { scopeHoldsAny } from '../../domain/users/data-scope.ts'
import { AlignmentType, Document, Packer, Paragraph, Table, TableCell, TableRow, TextRun, WidthType } from 'docx'
import { getNotice, type NoticeRow } from '../../persistence/supervision-notice.repo.ts'
import { getItemSummary } from '../../persistence/supervision.repo.ts'
import { findUnit } from '../../persistence/units.repo.ts'
import { chinaDateOf } from '../../domain/calendar/china-time.value.ts'
import { DubanError } from '../../domain/errors.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { officeById } from '../office/office-profile.ts'

const FONT = '仿宋_GB2312'
const run = (s: string, size = 32, font = FONT, bold = false): TextRun => new TextRun({ text: s, size, font, bold })
const line = (s: string, align: (typeof AlignmentType)[keyof typeof AlignmentType] = AlignmentType.JUSTIFIED, indent = true): Paragraph =>
  new Paragraph({ children: [run(s)], alignment: align, ...(indent ? { indent: { firstLine: 640 } } : {}), spacing: { line: 560 } })

/** 2026-12-08 → 2026年12月8日 (公文 dates carry no leading zeros). */
export function chineseDate(iso: string): string {
  return `${iso.slice(0, 4)}年${Number(iso.slice(5, 7))}月${Number(iso.slice(8, 10))}日`
}

/** What the 督办通知单 prints, so a test can check it without opening the file. */
export interface NoticeDocument {
  readonly title: string
  readonly number: string
  readonly addressees: readonly string[]
  readonly item: { readonly number: string; readonly title: string; readonly due: string | null }
  readonly reason: string
  readonly replyDue: string
  readonly issuingOffice: string
  readonly issuedOn: string
}

async function visibleNotice(deps: AppDeps, actor: Actor, id: string): Promise<NoticeRow> {
  const n = await getNotice(deps.db, id)
  // Outside the actor's data scope (a liaison's units, a district 督查室's district) the notice does not exist for them (404, as items are).
  if (!n || !scopeHoldsAny(actor.scopeUnitIds, n.unitIds)) throw new DubanError('DUBAN_ERR_NOT_FOUND', `no supervision notice ${id}`, { where: 'id' })
  return n
}

/** The content of a notice's document. */
export async function noticeDocument(deps: AppDeps, actor: Actor, id: string): Promise<NoticeDocument> {
  const n = await visibleNotice(deps, actor, id)
  const item = await getItemSummary(deps.db, n.itemId)
  const addressees = (await Promise.all(n.unitIds.map(async (u) => (await findUnit(deps.db, u))?.name ?? u))) as string[]
  const office = await officeById(deps, n.office)
  return {
    title: '督办通知单',
    number: n.number,
    addressees,
    item: { number: n.itemNumber, title: n.itemTitle, due: item?.dueDate ?? null },
    reason: n.reason,
    replyDue: n.replyDue,
    issuingOffice: office.issuingOffice,
    issuedOn: chinaDateOf(Date.parse(n.issuedAt)),
  }
}

/** The 督办通知单 as a .docx, and its file name (督办〔2026〕12号.docx). */
export async function buildNoticeDocx(deps: AppDeps, actor: Actor, id: string): Promise<{ fileName: string; content: Buffer }> {
  const d = await noticeDocument(deps, actor, id)
  const cell = (s: string, bold = false): TableCell =>
    new TableCell({ children: [new Paragraph({ children: [run(s, 24, FONT, bold)], alignment: AlignmentType.CENTER })] })
  const doc = new Document({
    creator: 'duban',
    title: `${d.title} ${d.number}`,
    sections: [
      {
        children: [
          new Paragraph({ children: [run(d.title, 44, '方正小标宋简体')], alignment: AlignmentType.CENTER, spacing: { line: 560 } }),
          new Paragraph({ children: [run(d.number)], alignment: AlignmentType.CENTER, spacing: { line: 560 } }),
          line(`${d.addressees.join('、')}：`, AlignmentType.LEFT, false),
          line(`现将以下事项列入督办，请你单位高度重视，抓紧办理，并于${chineseDate(d.replyDue)}前在督办系统中书面回复办理情况。`),
          new Table({
            width: { size: 100, type: WidthType.PERCENTAGE },
            rows: [
              new TableRow({ tableHeader: true, children: ['事项编号', '事项名称', '完成时限', '回复期限'].map((h) => cell(h, true)) }),
              new TableRow({ children: [d.item.number, d.item.title, d.item.due ? chineseDate(d.item.due) : '—', chineseDate(d.replyDue)].map((c) => cell(c)) }),
            ],
          }),
          line(`督办事由：${d.reason}`),
          line(''),
          line(d.issuingOffice, AlignmentType.RIGHT, false),
          line(chineseDate(d.issuedOn), AlignmentType.RIGHT, false),
        ],
      },
    ],
  })
  return { fileName: `${d.number}.docx`, content: await Packer.toBuffer(doc) }
}
