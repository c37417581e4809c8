/** Opening the database for the calendar and supervise commands: DATABASE_URL, else PGlite in --data (./.duban-data). */
import { openDatabase } from '../../persistence/open.ts'
import type { Db } from '../../persistence/db.ts'

/** The default PGlite data directory, as README says. */
export const DEFAULT_DATA_DIR = './.duban-data'

/** Pulls `--data DIR` out of args; returns the rest. */
export function takeDataDir(args: readonly string[]): { dataDir: string; rest: string[] } {
  const rest: string[] = []
  let dataDir = process.env.DUBAN_DATA ?? DEFAULT_DATA_DIR
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a === '--data') dataDir = args[++i] ?? dataDir
    else if (a.startsWith('--data=')) dataDir = a.slice(7)
    else rest.push(a)
  }
  return { dataDir, rest }
}

/** Opens and migrates the database; `pgliteThread` as openDatabase (the server asks for a worker). */
export function openCliDb(dataDir: string, pgliteThread?: 'worker' | 'main'): Promise<Db> {
  return openDatabase({ url: process.env.DATABASE_URL, dataDir, ...(pgliteThread ? { pgliteThread } : {}) })
}
