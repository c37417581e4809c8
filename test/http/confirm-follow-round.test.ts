/**
 * A plan's confirm is followed by one round of the scheduler about a second later (roundSoon, round-soon.ts), so the
 * new tasks' clocks and assessment marks are met early by one paced round, not all at once by the minute's round
 * beside whatever runs then (issue 7: reports' p99 after a 1,000-task confirm). The scheduler here is started as
 * `duban serve` starts it, on the server's own deps, with its minute stretched to an hour: only the confirm can
 * bring the second round.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestApp, type TestApp } from '../support/test-app.ts'
import { testDialects } from '../support/test-db.ts'
import { startScheduler, type SchedulerRound } from '../../src/app/supervision/scheduler.ts'
import { UNPACED } from '../../src/app/supervision/tick-pace.ts'
import { call, importSample, loginDemo, seedDemoCity } from './plans.fixture.ts'

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

async function until(what: string, ok: () => boolean, ms: number): Promise<void> {
  const from = Date.now()
  while (!ok()) {
    if (Date.now() - from > ms) throw new Error(`not within ${ms} ms: ${what}`)
    await sleep(50)
  }
}

for (const dialect of testDialects()) {
  describe(`a confirm is followed by a supervision round (${dialect})`, () => {
    let t: TestApp
    let supervisor: string

    beforeAll(async () => {
      t = await startTestApp(dialect)
      await seedDemoCity(t)
      supervisor = await loginDemo(t, 'supervisor')
    }, 180_000)
    afterAll(async () => t?.close())

    it('runs a round within a few seconds of the confirm, which recomputes the new tasks\' assessment', async () => {
      const rounds: { at: number; round: SchedulerRound }[] = []
      const errors: unknown[] = []
      const scheduler = startScheduler(t.deps, { everyMs: 3_600_000, tickPace: UNPACED, onRound: (round) => void rounds.push({ at: Date.now(), round }), onError: (e) => void errors.push(e) })
      try {
        await until('the round at start', () => rounds.length === 1, 30_000)
        const plan = await importSample(t, supervisor)
        // Nothing before the confirm brings a round.
        await sleep(1_500)
        expect(rounds).toHaveLength(1)
        const res = await call(t, supervisor, 'POST', `/api/plans/${plan.id}/confirm`)
        expect(res.statusCode, res.body).toBe(200)
        const answered = Date.now()
        const tasks = (res.json().tasks as unknown[]).length
        expect(tasks).toBeGreaterThan(0)
        await until('a round after the confirm', () => rounds.length >= 2, 10_000)
        expect(rounds[1]!.at - answered).toBeLessThan(10_000)
        // It met the confirm's tasks: their assessment marks drained, their clocks ticked.
        expect(rounds[1]!.round.tick).not.toBeNull()
        expect(rounds[1]!.round.assessment).toBeGreaterThanOrEqual(tasks)
        const { rows } = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM assessment_dirty')
        expect(rows[0]!.n).toBe(0)
        expect(errors).toEqual([])
      } finally {
        await scheduler.stop()
      }
    }, 60_000)

    it('asks nothing of a scheduler that has stopped', async () => {
      const rounds: SchedulerRound[] = []
      const scheduler = startScheduler(t.deps, { everyMs: 3_600_000, tickPace: UNPACED, onRound: (r) => void rounds.push(r) })
      await until('the round at start', () => rounds.length === 1, 30_000)
      await scheduler.stop()
      const plan = await importSample(t, supervisor)
      const res = await call(t, supervisor, 'POST', `/api/plans/${plan.id}/confirm`)
      expect(res.statusCode, res.body).toBe(200)
      await sleep(2_500)
      expect(rounds).toHaveLength(1)
    }, 60_000)
  })
}
