/**
 * The scheduler's round waits while a plan's confirm writes (confirm-gate.ts, migration 178): as long as a plan is
 * 'confirming' with a fresh hold, no longer than its cap, and not at all for a hold gone stale or no confirm.
 */
import { describe, expect, it } from 'vitest'
import { demoCityApp } from '../../../test/support/demo-city-app.ts'
import { testDialects } from '../../../test/support/test-db.ts'
import { importSample } from '../../../test/http/plans.fixture.ts'
import { announceConfirm, confirmActiveSince, finishConfirming, startConfirming } from '../../persistence/plan-confirm.repo.ts'
import { afterConfirms, CONFIRM_ACTIVE_MS, ConfirmAwarePacer } from './confirm-gate.ts'
import { UNPACED } from '../supervision/tick-pace.ts'
import { confirmPlan } from './confirm-plan.ts'
import type { Actor } from '../deps.ts'

for (const dialect of testDialects()) {
  describe(`the round waits for a confirm (${dialect})`, () => {
    const t = demoCityApp(dialect)

    it('does not wait when no plan is being confirmed', async () => {
      await importSample(t, t.token)
      const sleeps: number[] = []
      expect(await afterConfirms(t.deps, { sleep: async (ms) => void sleeps.push(ms) })).toBe(0)
      expect(sleeps).toEqual([])
    })

    it('waits while a confirm holds a plan and goes on once it finished', async () => {
      const plan = await importSample(t, t.token)
      await startConfirming(t.db, plan.id, 'token-a', t.clock.now())
      let steps = 0
      const waited = await afterConfirms(t.deps, {
        stepMs: 1_000,
        sleep: async () => {
          steps++
          t.clock.advance(1_000)
          if (steps === 3) await finishConfirming(t.db, plan.id, t.clock.now().toISOString())
        },
      })
      expect(steps).toBe(3)
      expect(waited).toBe(3_000)
    })

    it('waits no longer than its cap for a confirm that keeps its hold, and not at all for a stale hold', async () => {
      const plan = await importSample(t, t.token)
      await startConfirming(t.db, plan.id, 'token-b', t.clock.now())
      // The hold stays fresh (the clock does not move): the cap ends the wait.
      expect(await afterConfirms(t.deps, { maxWaitMs: 5_000, stepMs: 1_000, sleep: async () => undefined })).toBe(5_000)
      // A hold not renewed for longer than CONFIRM_ACTIVE_MS (a confirm that died) does not hold the round.
      t.clock.advance(CONFIRM_ACTIVE_MS + 1)
      expect(await afterConfirms(t.deps, { sleep: async () => undefined })).toBe(0)
      await finishConfirming(t.db, plan.id, t.clock.now().toISOString())
    })

    it('waits for a confirm still computing its tasks (its note on the draft) until the note goes stale', async () => {
      const plan = await importSample(t, t.token)
      await announceConfirm(t.db, plan.id, t.clock.now())
      const waited = await afterConfirms(t.deps, { stepMs: 1_000, sleep: async () => t.clock.advance(1_000) })
      expect(waited).toBe(CONFIRM_ACTIVE_MS)
    })

    it("the tick's pacer waits at its next rest for a confirm that started during the round", async () => {
      const plan = await importSample(t, t.token)
      let steps = 0
      const pacer = new ConfirmAwarePacer(UNPACED, t.deps, { sleep: async () => void (steps++, t.clock.advance(1_000)) })
      await pacer.rest()
      expect(steps).toBe(0)
      await announceConfirm(t.db, plan.id, t.clock.now())
      await new Promise((r) => setTimeout(r, 1_001)) // it asks at most once a second
      await pacer.rest()
      expect(steps).toBe(CONFIRM_ACTIVE_MS / 1_000)
    })

    it('a confirm is seen at work while it writes, and nothing waits once it finished', async () => {
      const plan = await importSample(t, t.token)
      const { rows } = await t.db.query<{ id: string }>(`SELECT id FROM app_user WHERE username = 'supervisor'`)
      const actor: Actor = { userId: rows[0]!.id, role: 'supervisor', unitId: null, scopeUnitIds: null }
      const seen: boolean[] = []
      await confirmPlan(t.deps, actor, plan.id, { chunkSize: 4, afterChunk: async () => void seen.push(await confirmActiveSince(t.db, new Date(t.clock.now().getTime() - CONFIRM_ACTIVE_MS))) })
      expect(seen.length).toBeGreaterThan(1)
      expect(seen.every(Boolean)).toBe(true)
      expect(await afterConfirms(t.deps, { sleep: async () => undefined })).toBe(0)
    })
  })
}
