/**
 * Shared set-up for plan and item HTTP tests: the demo city and its users, the demo plan's bytes, and helpers to import and confirm it through the API.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { expect } from 'vitest'
import { DEMO_PASSWORD, seedDemoUnits, seedDemoUsers } from '../../src/app/demo/seed-demo.ts'
import type { TestApp } from '../support/test-app.ts'

/** The demo plan the repository ships. */
export const SAMPLE_PLAN = readFileSync(fileURLToPath(new URL('../../demo/plans/sample-plan.txt', import.meta.url)))

/** Seeds the demo city 云州市 (demo/units.csv) and its users, as `npm start` does. */
export async function seedDemoCity(t: TestApp): Promise<void> {
  await seedDemoUnits(t.deps)
  await seedDemoUsers(t.deps)
}

/** Signs in a demo user. */
export function loginDemo(t: TestApp, username: string): Promise<string> {
  return t.login(username, DEMO_PASSWORD)
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

/** Imports and confirms the demo plan (its units all resolve in the demo city); returns the tasks. */
export async function confirmSample(t: TestApp, token: string): Promise<{ planId: string; tasks: { n: number; id: string; number: string }[] }> {
  const plan = await importSample(t, token)
  const res = await call(t, token, 'POST', `/api/plans/${plan.id}/confirm`)
  expect(res.statusCode, res.body).toBe(200)
  return { planId: plan.id, tasks: res.json().tasks }
}

/**
 * Confirms the demo plan and has 市市场监管局's liaison (demo user sjj) accept 保障食品药品安全, the task that unit
 * leads: the item the write-path tests report on and 催办. Returns its id, the liaison's token and the other tasks.
 */
export async function confirmSampleFoodAccepted(t: TestApp, supervisor: string): Promise<{ task: string; liaison: string; others: string[] }> {
  const { tasks } = await confirmSample(t, supervisor)
  const task = (await call(t, supervisor, 'GET', `/api/items?q=${encodeURIComponent('保障食品药品安全')}`)).json().items[0].id as string
  const liaison = await loginDemo(t, 'sjj')
  const accepted = await call(t, liaison, 'POST', `/api/items/${task}/accept`, {})
  expect(accepted.statusCode, accepted.body).toBe(200)
  return { task, liaison, others: tasks.map((x) => x.id).filter((id) => id !== task) }
}

const TABLES = ['plan', 'item', 'item_unit', 'item_event', 'progress_report', 'attachment', 'extension_request', 'audit_log', 'unit_mapping'] as const

/** Row counts of every table plans and items write, to show a refused request changed nothing. */
export async function rowCounts(t: TestApp): Promise<Record<(typeof TABLES)[number], number>> {
  const out = {} as Record<(typeof TABLES)[number], number>
  for (const table of TABLES) {
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
