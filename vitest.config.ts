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
    // Database suites create their own PGlite/PostgreSQL database; two cores only.
    pool: 'forks',
    poolOptions: { forks: { maxForks: 2, minForks: 1 } },
  },
})
