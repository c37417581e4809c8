import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    testTimeout: 60_000,
    // Test webhook receivers listen on loopback: allow that range as an administrator would
    // (src/app/supervision/webhook-target.ts); test/security/auth.test.ts checks the refusal without it.
    env: { DUBAN_WEBHOOK_ALLOW_NETS: '127.0.0.0/8' },
    hookTimeout: 60_000,
    // expect.poll waits for what a screen or a background job shows. vitest's default (1 s) was too short on a busy
    // CI machine: the liaison's ticket list had not loaded in 1 s and one flake failed three dependent tests.
    // A poll that never succeeds still fails, after 10 s.
    expect: { poll: { timeout: 10_000 } },
    // Database suites create their own PGlite/PostgreSQL database; two cores only.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
})
