/**
 * A malformed setting of `duban serve`'s environment stops it at start with the setting named, before it serves:
 * DUBAN_TICK_SHARE (the supervision tick's pace, src/app/supervision/scheduler.ts) and DUBAN_PGLITE_THREAD (where
 * PGlite's backend runs, src/persistence/open.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runDuban } from '../durability/serve-process.ts'

const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn' }

describe('duban serve refuses a malformed setting at start', () => {
  const dir = mkdtempSync(join(tmpdir(), 'duban-settings-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it.each([
    ['DUBAN_TICK_SHARE', 'half', /DUBAN_TICK_SHARE must be a number in \(0, 1\], got half/],
    ['DUBAN_TICK_SHARE', '0', /DUBAN_TICK_SHARE must be a number in \(0, 1\], got 0/],
    ['DUBAN_PGLITE_THREAD', 'both', /DUBAN_PGLITE_THREAD must be worker or main, not 'both'/],
  ])('%s=%s', async (name, value, message) => {
    const r = await runDuban(['serve', '--port', '0', '--data', join(dir, `data-${name}-${value}`)], { ...env, [name]: value })
    expect(r.code).not.toBe(0)
    expect(r.code).not.toBeNull()
    expect(r.stderr).toMatch(message)
    expect(r.stdout).not.toMatch(/serving on/)
  }, 300_000)
})
