/**
 * notificationsOf: which effects an event may write with its own statement (writeEventRows) instead of in a
 * transaction — notify to units the item read named, or to roles — and which it must leave to the transaction.
 */
import { describe, expect, it } from 'vitest'
import { taskKind } from '../../domain/kinds/index.ts'
import type { Effect, Snapshot } from '../../domain/workflow/index.ts'
import type { ItemRow } from '../../persistence/items.repo.ts'
import type { AppDeps } from '../deps.ts'
import { notificationsOf, type EffectContext } from './carry-out-effects.ts'

const AT = new Date('2026-03-02T01:00:00Z')
let n = 0
const deps = { clock: { now: () => AT }, newId: () => `n-${++n}` } as unknown as AppDeps
const snapshot = { kind: 'task', state: 'accepted', data: { lead: 'u-lead', cooperating: ['u-coop'], createdBy: 'someone' }, clocks: {} } as unknown as Snapshot
const item = { id: 'it-1', number: 'RW-1', title: '保障食品药品安全' } as unknown as ItemRow
const ctx = (knownUnits: string[]): Omit<EffectContext, 'record'> => ({
  tx: { query: () => Promise.reject(new Error('no statement expected')) },
  deps,
  actor: { userId: 'sup', role: 'supervisor', unitId: null, scopeUnitIds: null },
  kind: taskKind,
  item,
  before: snapshot,
  after: snapshot,
  event: 'remind',
  payload: { text: '请加快进度' },
  version: 8,
  knownUnits: new Set(knownUnits),
})
const effect = (ref: string, applied = false): Effect => {
  const [name = '', arg] = ref.split(':')
  return { name, arg, applied }
}

describe('notifications an event writes with its own statement (notificationsOf)', () => {
  it('gives a 催办 to the lead unit, known from the item read, as the notify handler writes it', async () => {
    const out = await notificationsOf(ctx(['u-lead']), [effect('count:reminders', true), effect('notify:lead')])
    expect(out).toEqual([
      { id: expect.any(String), dedupeKey: 'it-1:v8:remind@unit:u-lead', unitId: 'u-lead', itemId: 'it-1', type: 'item.remind', title: '催办：RW-1 保障食品药品安全', body: '请加快进度', at: AT },
    ])
  })

  it('gives roles without a read, and one notification per dedupe key', async () => {
    const out = await notificationsOf(ctx(['u-lead', 'u-coop']), [effect('notify:supervisor'), effect('notify:lead'), effect('notify:assignees')])
    expect(out?.map((x) => x.dedupeKey)).toEqual(['it-1:v8:remind@role:supervisor', 'it-1:v8:remind@unit:u-lead', 'it-1:v8:remind@unit:u-coop'])
  })

  it('gives nothing to write when every effect was applied by the engine', async () => {
    expect(await notificationsOf(ctx([]), [effect('count:reminders', true)])).toEqual([])
  })

  it('leaves to the transaction a unit the item read did not name, a user, and any effect but notify', async () => {
    expect(await notificationsOf(ctx(['u-lead']), [effect('notify:cooperating')])).toBeNull()
    expect(await notificationsOf(ctx(['u-lead']), [effect('notify:creator')])).toBeNull()
    expect(await notificationsOf(ctx(['u-lead']), [effect('notify:lead'), effect('issueNotice')])).toBeNull()
    expect(await notificationsOf(ctx(['u-lead']), [effect('notify:lead'), effect('shareReply')])).toBeNull()
  })
})
