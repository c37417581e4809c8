/**
 * Ticket test data shared by the Open311 and bad-input suites: a small service catalogue (城乡建设 › 市容环境 ›
 * 占道经营 / 垃圾清运), an operator user, and the row counts that must not move when an intake is refused.
 */
import type { Queryable } from '../../src/persistence/db.ts'
import { saveCategory } from '../../src/app/tickets/catalogue.ts'
import { createUser } from '../../src/app/users/manage-users.ts'
import { TEST_PASSWORD, type TestApp } from '../support/test-app.ts'

/** Level-3 codes seedCatalogue creates. */
export const CATEGORY = { stalls: '03.02.05', rubbish: '03.02.01' } as const

export async function seedCatalogue(t: TestApp): Promise<void> {
  const limits = {
    urgent: { unit: 'working_hours', amount: 2 },
    pressing: { unit: 'working_hours', amount: 24 },
    normal: { unit: 'working_days', amount: 7 },
    consultation: { unit: 'working_days', amount: 1 },
  }
  await saveCategory(t.deps, null, { code: '03', name: '城乡建设', timeLimits: limits })
  await saveCategory(t.deps, null, { code: '03.02', name: '市容环境' })
  await saveCategory(t.deps, null, { code: CATEGORY.stalls, name: '占道经营', description: '占用道路、广场经营' })
  await saveCategory(t.deps, null, { code: CATEGORY.rubbish, name: '垃圾清运' })
}

/** Creates the user `operator` (role operator, unit city) and signs in; returns the token. */
export async function operatorToken(t: TestApp): Promise<string> {
  await createUser(t.deps, null, { username: 'operator', displayName: '话务员', password: TEST_PASSWORD, role: 'operator', unitId: 'city' })
  return t.login('operator')
}

/**
 * Rows of the tables an intake writes to, once the server's worker has done the intake jobs of earlier tickets
 * (duplicate detection writes its audit row after the intake: app/tickets/intake-followups.ts).
 */
export async function rowCounts(q: Queryable): Promise<Record<string, number>> {
  for (let i = 0; i < 500; i++) {
    const { rows } = await q.query<{ n: string | number }>(`SELECT count(*) AS n FROM ticket_intake_job`)
    if (Number(rows[0]?.n) === 0) break
    await new Promise((r) => setTimeout(r, 20))
  }
  const out: Record<string, number> = {}
  for (const table of ['item', 'ticket', 'item_event', 'audit_log']) {
    const { rows } = await q.query<{ n: string | number }>(`SELECT count(*) AS n FROM ${table}`)
    out[table] = Number(rows[0]?.n)
  }
  return out
}
