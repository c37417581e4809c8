/**
 * Effects are carried out or refused at start (issue 8.1): every effect a kind declares has a handler in
 * src/app/items/carry-out-effects.ts, and a kind naming one that has none stops the app from starting.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { KindDef } from '../../src/domain/workflow/index.ts'

const withEffect = (kind: KindDef, event: string, effect: string): KindDef => ({
  ...kind,
  transitions: kind.transitions.map((t) => (t.event === event ? { ...t, effects: [...(t.effects ?? []), effect] } : t)),
})

afterEach(() => {
  vi.doUnmock('../../src/domain/kinds/index.ts')
  vi.resetModules()
})

describe('effects a kind declares (副作用)', () => {
  it('the built-in kinds declare only effects that have a handler', async () => {
    const { assertEffectsCarriedOut, handledEffects } = await import('../../src/app/items/carry-out-effects.ts')
    const { builtinKinds } = await import('../../src/domain/kinds/index.ts')
    expect(() => assertEffectsCarriedOut(builtinKinds)).not.toThrow()
    expect(handledEffects).toContain('notify:lead')
    expect(handledEffects).not.toContain('notify:citizen')
  })

  it('a kind declaring an effect with no handler fails validation', async () => {
    const { assertEffectsCarriedOut } = await import('../../src/app/items/carry-out-effects.ts')
    const { taskKind } = await import('../../src/domain/kinds/index.ts')
    expect(() => assertEffectsCarriedOut([withEffect(taskKind, 'accept', 'notify:citizen')])).toThrow(
      expect.objectContaining({ code: 'DUBAN_ERR_KIND_INVALID', message: expect.stringContaining("effect 'notify:citizen' has no handler") }),
    )
  })

  it('the app does not start when a registered kind names an effect with no handler', async () => {
    vi.resetModules()
    vi.doMock('../../src/domain/kinds/index.ts', async (importOriginal) => {
      const real = await importOriginal<typeof import('../../src/domain/kinds/index.ts')>()
      const broken = withEffect(real.taskKind, 'accept', 'notify:citizen')
      // The domain's own check passes (notify:citizen is a registered effect); only the handlers' check can refuse it.
      const kindCatalog = real.createKindCatalog([broken, real.ticketKind])
      return { ...real, builtinKinds: [broken, real.ticketKind], kindCatalog }
    })
    const { openPglite } = await import('../../src/persistence/pglite.db.ts')
    const { buildServer } = await import('../../src/adapters/http/server.ts')
    const db = await openPglite()
    try {
      await expect(buildServer({ db, clock: { now: () => new Date() }, newId: () => 'x' })).rejects.toThrow(/notify:citizen' has no handler/)
    } finally {
      await db.close()
    }
  })

  it('carrying out an effect with no handler throws instead of skipping it', async () => {
    const { carryOutEffects } = await import('../../src/app/items/carry-out-effects.ts')
    const ctx = {} as Parameters<typeof carryOutEffects>[0]
    await expect(carryOutEffects(ctx, [{ name: 'sendFax', arg: undefined, applied: false }], {})).rejects.toThrow(/'sendFax' has no handler/)
    await expect(carryOutEffects(ctx, [{ name: 'count', arg: 'x', applied: true }], {})).resolves.toBeUndefined()
  })
})
