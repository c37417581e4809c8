/** Starting `duban serve` as a child process for durability tests, and waiting for its URL. */
import { spawn, type ChildProcess } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '../..')
export const DUBAN_BIN = join(root, 'bin/duban.js')

/** A running server process and the URL it printed. */
export interface ServeProcess {
  readonly child: ChildProcess
  readonly url: string
  /** The line it printed with the URL (where its data is, and on PGlite where the backend runs). */
  readonly banner: string
  /** Resolves with the exit code or signal when the process ends. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Spawns `duban serve --port 0 …args` and waits until it prints the URL it serves on. */
export function startServe(args: readonly string[], env: NodeJS.ProcessEnv): Promise<ServeProcess> {
  const child = spawn(process.execPath, [DUBAN_BIN, 'serve', '--port', '0', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })))
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /^.*serving on (http:\/\/\S+).*$/m.exec(out)
      if (m?.[1]) resolve({ child, url: m[1], banner: m[0], exited })
    })
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()))
    void exited.then(({ code, signal }) => reject(new Error(`duban serve ended (${code ?? signal}) before serving:\n${out}\n${err}`)))
  })
}

/** Runs `duban …args` to completion; returns exit code and output. */
export function runDuban(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [DUBAN_BIN, ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
    child.on('exit', (code) => resolve({ code, stdout, stderr }))
  })
}
