/**
 * The heavy part of a PGlite start in a process of its own (issue 7: idle RSS ≤ 400 MB on PGlite). initdb, every
 * migration and the `--demo` seed grow the server process for good: PGlite's wasm heap never shrinks, initdb runs
 * in a second wasm instance, and the seed loads document readers and fills malloc arenas and V8's old space that a
 * full GC and a reopen of the database do not give back (measured: a fresh start idled ~80–110 MB above a restart
 * on the same directory). Run in a child `duban serve` that prepares the data directory and exits, they leave
 * nothing in the server, which then opens the directory as a restart does.
 */
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** Set in the child's environment: `duban serve` prepares the data directory (migrate, seed) and exits. */
export const PREPARE_ONLY_ENV = 'DUBAN_SERVE_PREPARE_ONLY'

/** True in the child `duban serve` started by prepareInChild. */
export const isPrepareOnly = (): boolean => process.env[PREPARE_ONLY_ENV] === '1'

const BIN = fileURLToPath(new URL('../../../bin/duban.js', import.meta.url))

/**
 * Runs `duban serve <args>` as a child that prepares the data directory and exits; its output goes to ours.
 * Rejects when it fails. A signal that stops this process before the child ends stops the child too.
 */
export async function prepareInChild(args: readonly string[]): Promise<void> {
  const child = spawn(process.execPath, [BIN, 'serve', ...args], {
    env: { ...process.env, [PREPARE_ONLY_ENV]: '1' },
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  const stopChild = (): void => void child.kill('SIGTERM')
  const onSignal = (signal: NodeJS.Signals): void => {
    stopChild()
    process.exit(signal === 'SIGINT' ? 130 : 143)
  }
  process.once('exit', stopChild)
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject)
      child.once('exit', (c, signal) => resolve(signal ? null : c))
    })
    if (code !== 0) throw new Error(`preparing the data directory failed (child duban serve exited ${code ?? 'on a signal'})`)
  } finally {
    process.off('exit', stopChild)
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
  }
}
