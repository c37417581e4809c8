/**
 * Migrations: `migrations/NNN_name.sql`, applied in order, each in its own transaction, recorded
 * in `schema_migrations`. Number ranges by area keep parallel work from colliding:
 * 001–009 platform (units, users, audit), 010–019 items/engine, 020–029 calendar,
 * 030–039 supervision, 040–049 assessment, 050+ later kinds.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Db } from './db.ts'

const dir = join(dirname(fileURLToPath(import.meta.url)), 'migrations')

/** The migration files in order. */
export function listMigrations(): { id: string; sql: string }[] {
  return readdirSync(dir)
    .filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f))
    .sort()
    .map((f) => ({ id: f.replace(/\.sql$/, ''), sql: readFileSync(join(dir, f), 'utf8') }))
}

/** Applies every migration not yet applied; returns the ids applied now. */
export async function migrate(db: Db): Promise<string[]> {
  await db.query(`CREATE TABLE IF NOT EXISTS schema_migrations (id text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`)
  const applied: string[] = []
  for (const m of listMigrations()) {
    const done = await db.transaction(async (tx) => {
      // Serialise concurrent starters on a server; PGlite has one connection anyway.
      if (db.dialect === 'pg') await tx.query('SELECT pg_advisory_xact_lock(4242001)')
      const seen = await tx.query('SELECT 1 FROM schema_migrations WHERE id = $1', [m.id])
      if (seen.rows.length > 0) return false
      await execScript(tx, m.sql)
      await tx.query('INSERT INTO schema_migrations (id) VALUES ($1)', [m.id])
      return true
    })
    if (done) applied.push(m.id)
  }
  return applied
}

/** Runs a multi-statement script (no parameters) through whichever dialect. */
async function execScript(tx: { query: Db['query'] }, sql: string): Promise<void> {
  // Both PGlite's query() and pg's simple query accept several statements when no parameters are given.
  await tx.query(sql)
}
