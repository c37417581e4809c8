/** Exports (导出): the period's bulletin (通报) as .docx and the ledger (台账) as .xlsx. */
import { PassThrough } from 'node:stream'
import { parseAssessmentPeriod } from '../../app/assessment/assessment-period.ts'
import { requireRole } from './auth.ts'
import { bulletinSchema, ledgerSchema } from './assessment.schema.ts'
import type { RoutePlugin } from './routes.ts'

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
/** RFC 5987 filename so Chinese names survive every browser. */
const disposition = (name: string, ascii: string): string => `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`

// docx and exceljs are loaded on the first export, not at start: they cost the idle server ~30 MB and seconds of start.
const bulletinDocx = () => import('../../app/exports/bulletin.docx.ts')
const ledgerXlsx = () => import('../../app/exports/ledger.xlsx.ts')

const plugin: RoutePlugin = async (app, { deps }) => {
  app.get<{ Querystring: { period: string; kind: string } }>('/exports/bulletin.docx', { schema: bulletinSchema }, async (request, reply) => {
    const actor = requireRole(request, 'admin', 'supervisor', 'leader')
    const p = parseAssessmentPeriod(request.query.period)
    const { buildBulletinDocx } = await bulletinDocx()
    const buf = await buildBulletinDocx(deps, p.key, request.query.kind, actor.scopeUnitIds)
    return reply.header('content-type', DOCX).header('content-disposition', disposition(`督办情况通报-${p.key}.docx`, `bulletin-${p.key}.docx`)).send(buf)
  })

  app.get<{ Querystring: { kind: string } }>('/exports/ledger.xlsx', { schema: ledgerSchema }, async (request, reply) => {
    const actor = requireRole(request, 'admin', 'supervisor', 'leader')
    // Streamed as it is written (bounded memory at any ledger size); a failure midway cuts the download short.
    const { writeLedgerXlsx } = await ledgerXlsx()
    const body = new PassThrough()
    writeLedgerXlsx(deps, body, request.query.kind, undefined, actor.scopeUnitIds).catch((err: unknown) => {
      // A download the client closed (cancelled, tab shut) ends the export early: not a server error.
      if (body.destroyed) return request.log.info('ledger export stopped: the download was closed before the end')
      request.log.error({ err }, 'ledger export failed')
      body.destroy(err instanceof Error ? err : new Error(String(err)))
    })
    return reply.header('content-type', XLSX).header('content-disposition', disposition('督办台账.xlsx', 'ledger.xlsx')).send(body)
  })
}

export default plugin
