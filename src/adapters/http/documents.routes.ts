/** Documents an office sends: the printable 督办通知单, and the 落款 they are signed with (the top's and each area's). */
// docx is loaded on the first notice, not at start (docs/scaling.md, idle memory).
const noticeDocx = () => import('../../app/exports/notice.docx.ts')
import { areaOffices, issuingOfficeFor, officeProfile, setAreaOffice, setOfficeProfile } from '../../app/office/office-profile.ts'
import { requireActor, requireRole } from './auth.ts'
import { bulletinOfficeSchema, getOfficeSchema, listAreaOfficesSchema, noticeDocumentSchema, putAreaOfficeSchema, putOfficeSchema } from './documents.schema.ts'
import type { RoutePlugin } from './routes.ts'

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'
/** RFC 5987 filename so Chinese names survive every browser. */
const disposition = (name: string, ascii: string): string => `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`

const plugin: RoutePlugin = async (app, { deps }) => {
  app.get<{ Params: { id: string } }>('/supervision/notices/:id/document', { schema: noticeDocumentSchema }, async (request, reply) => {
    const actor = requireActor(request)
    const { buildNoticeDocx } = await noticeDocx()
    const doc = await buildNoticeDocx(deps, actor, request.params.id)
    return reply.header('content-type', DOCX).header('content-disposition', disposition(doc.fileName, 'notice.docx')).send(doc.content)
  })

  app.get('/office', { schema: getOfficeSchema }, async (request) => {
    requireActor(request)
    return officeProfile(deps)
  })

  app.put<{ Body: { issuingOffice: string; bulletinPrefix: string } }>('/office', { schema: putOfficeSchema }, async (request) => {
    return setOfficeProfile(deps, requireRole(request, 'admin'), request.body)
  })

  app.get('/office/bulletin', { schema: bulletinOfficeSchema }, async (request) => {
    const actor = requireRole(request, 'admin', 'supervisor', 'leader')
    return issuingOfficeFor(deps, actor.scopeUnitIds)
  })

  app.get('/office/areas', { schema: listAreaOfficesSchema }, async (request) => {
    requireRole(request, 'admin')
    return areaOffices(deps)
  })

  app.put<{ Params: { unitId: string }; Body: { issuingOffice: string; bulletinPrefix: string } }>('/office/areas/:unitId', { schema: putAreaOfficeSchema }, async (request) => {
    return setAreaOffice(deps, requireRole(request, 'admin'), request.params.unitId, request.body)
  })
}

export default plugin
