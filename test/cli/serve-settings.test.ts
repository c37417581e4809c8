/**
 * A malformed setting of `duban serve`'s environment stops it at start with the setting named, before it serves:
 * DUBAN_TICK_SHARE (the supervision tick's pace, src/app/supervision/scheduler.ts) and DUBAN_PGLITE_THREAD (where
 * PGlite's backend runs, src/persistence/open.ts), DUBAN_MAX_LAG_MS (load shedding on event-loop lag) and
 * DUBAN_MEMORY_LOG_S (the memory log's period), which a malformed value used to turn off silently (0 for the lag:
 * every limited request shed), and DUBAN_WEBHOOK_ALLOW_NETS (a bad prefix was a RangeError on every webhook to a
 * private address; an entry that is no address was skipped) and LOG_LEVEL (another level than pino's was a stack
 * trace from Fastify after the database was opened).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
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

  // The data directory cannot be made (its parent is a file), so a server that read the setting too late stops on the
  // directory instead, quickly, and the message does not match.
  it.each([
    ['DUBAN_MAX_LAG_MS', 'abc', /DUBAN_MAX_LAG_MS must be a number above 0, got abc/],
    ['DUBAN_MAX_LAG_MS', '0', /DUBAN_MAX_LAG_MS must be a number above 0, got 0/],
    ['DUBAN_MEMORY_LOG_S', '-5', /DUBAN_MEMORY_LOG_S must be a number above 0 \(or 0 for off\), got -5/],
    ['DUBAN_WEBHOOK_ALLOW_NETS', '10.0.0.0/8,10.20.0.0/abc', /DUBAN_WEBHOOK_ALLOW_NETS must be addresses or CIDR ranges separated by commas, not '10.20.0.0\/abc'/],
    ['DUBAN_WEBHOOK_ALLOW_NETS', 'intranet', /not 'intranet'/],
    ['LOG_LEVEL', 'verbose', /LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got verbose/],
  ])('%s=%s', async (name, value, message) => {
    const file = join(dir, 'a-file')
    writeFileSync(file, '')
    const r = await runDuban(['serve', '--port', '0', '--data', join(file, 'data')], { ...env, [name]: value })
    expect(r.code).toBe(2)
    expect(r.stderr).toMatch(message)
    expect(r.stdout).not.toMatch(/serving on/)
  }, 300_000)
})
