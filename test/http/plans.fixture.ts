/**
 * Shared set-up for plan and item HTTP tests: the units the demo plan names (added to the test tree),
 * the demo plan's bytes, and helpers to import and confirm it through the API.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { saveUnit } from '../../src/app/units/manage-units.ts'
import type { TestApp } from '../support/test-app.ts'

/** The demo plan the repository ships. */
export const SAMPLE_PLAN = readFileSync(fileURLToPath(new URL('../../demo/plans/sample-plan.txt', import.meta.url)))

/** City departments the demo plan names, added under 'city' (test-app seeds sjj and wjw already). */
export const PLAN_DEPARTMENTS: readonly (readonly [string, string])[] = [
  ['fgw', '市发展改革委'],
  ['czj', '市财政局'],
  ['zrj', '市自然资源局'],
  ['swj', '市商务局'],
  ['wlj', '市文化旅游局'],
  ['zwj', '市政务服务管理局'],
  ['sfj', '市司法局'],
  ['zjj', '市住房城乡建设局'],
  ['cgj', '市城市管理局'],
  ['jtj', '市交通运输局'],
  ['gaj', '市公安局'],
  ['hbj', '市生态环境局'],
  ['gxj', '市工业和信息化局'],
  ['rsj', '市人力资源社会保障局'],
  ['jyj', '市教育局'],
  ['ybj', '市医疗保障局'],
  ['mzj', '市民政局'],
  ['nyj', '市农业农村局'],
]

/** Unit strings of the demo plan that need a person's mapping in the test tree. */
export const PLAN_MAPPINGS = [
  { raw: '东湖区人民政府', unitId: 'dh' },
  { raw: '西山县人民政府', unitId: 'xs' },
  { raw: '市卫生健康委', unitId: 'wjw' },
] as const

/** Adds the departments the demo plan names. */
export async function seedPlanUnits(t: TestApp): Promise<void> {
  for (const [id, name] of PLAN_DEPARTMENTS) {
    await saveUnit(t.deps, null, { id, name, parentId: 'city', level: 'department' })
  }
}

/** Sends a request with a bearer token. */
export function call(t: TestApp, token: string, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) {
  return t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload === undefined ? {} : { payload: payload as object }) })
}

/** Imports the demo plan as JSON; returns the draft plan. */
export async function importSample(t: TestApp, token: string): Promise<Record<string, any>> {
  const res = await call(t, token, 'POST', '/api/plans', { fileName: 'sample-plan.txt', contentBase64: SAMPLE_PLAN.toString('base64') })
  expect(res.statusCode, res.body).toBe(201)
  return res.json()
}

/** Imports, maps the remaining unit strings and confirms the demo plan; returns the tasks. */
export async function confirmSample(t: TestApp, token: string): Promise<{ planId: string; tasks: { n: number; id: string; number: string }[] }> {
  const plan = await importSample(t, token)
  const mapped = await call(t, token, 'PATCH', `/api/plans/${plan.id}`, { mappings: PLAN_MAPPINGS })
  expect(mapped.statusCode, mapped.body).toBe(200)
  const res = await call(t, token, 'POST', `/api/plans/${plan.id}/confirm`)
  expect(res.statusCode, res.body).toBe(200)
  return { planId: plan.id, tasks: res.json().tasks }
}

/** Row counts of every table plans and items write, to show a refused request changed nothing. */
export async function rowCounts(t: TestApp): Promise<Record<string, number>> {
  const out: Record<string, number> = {}
  for (const table of ['plan', 'item', 'item_unit', 'item_event', 'progress_report', 'attachment', 'extension_request', 'audit_log', 'unit_mapping']) {
    const { rows } = await t.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)
    out[table] = Number(rows[0]?.n)
  }
  return out
}

/** A multipart/form-data body with one file and optional text fields. */
export function multipartBody(file: { field?: string; name: string; mime: string; content: Buffer }, fields: Record<string, string> = {}): { payload: Buffer; headers: Record<string, string> } {
  const boundary = '----duban-test-boundary'
  const parts: Buffer[] = []
  for (const [k, v] of Object.entries(fields)) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`))
  }
  parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'file'}"; filename="${file.name}"\r\nContent-Type: ${file.mime}\r\n\r\n`))
  parts.push(file.content, Buffer.from(`\r\n--${boundary}--\r\n`))
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}
