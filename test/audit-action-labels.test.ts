/**
 * Every action code the code writes to the audit log (审计日志) has a Chinese name in src/domain/audit-actions.ts,
 * so the 审计日志 screen never shows a raw code. Reads the source: each `action:` property's dotted string codes
 * (the ternaries too), the codes in the SQL that inserts audit rows, and the two families built from a name
 * (`knowledge.${action}` from the knowledge base's audit calls, `supervision.record.${kind}` from RECORD_KINDS).
 * Adding a code without a name fails here, naming the file and line.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { describe, expect, it } from 'vitest'
import { auditActionLabels, auditEntityLabels } from '../src/domain/audit-actions.ts'
import { RECORD_KINDS } from '../src/app/supervision/supervision-record.ts'

const ROOT = join(import.meta.dirname, '..')

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name)
    if (e.isDirectory()) return sources(p)
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : []
  })
}

const DOTTED = /'([a-z_]+(?:\.[a-z_]+)+)'/g

/** Codes the source writes, each with where it stands (file:line). */
function writtenCodes(): { actions: Map<string, string>; entities: Map<string, string> } {
  const actions = new Map<string, string>()
  const entities = new Map<string, string>()
  for (const file of sources(join(ROOT, 'src'))) {
    const lines = readFileSync(file, 'utf8').split('\n')
    const at = (i: number) => `${relative(ROOT, file)}:${i + 1}`
    lines.forEach((line, i) => {
      const action = /\baction: (.*)$/.exec(line)
      // The supervision tick's claims (action: 'warn' | 'overdue' …) are no audit codes: only dotted ones are.
      if (action) for (const m of action[1]!.matchAll(DOTTED)) if (!actions.has(m[1]!)) actions.set(m[1]!, at(i))
      const entity = /\bentity: '([a-z_]+)'/.exec(line)
      if (entity && !entities.has(entity[1]!)) entities.set(entity[1]!, at(i))
      // SQL that inserts audit rows names its action (and entity) as literals in the statement.
      if (/INSERT INTO audit_log/.test(line)) {
        for (const l of lines.slice(i, i + 12)) for (const m of l.matchAll(DOTTED)) if (!actions.has(m[1]!)) actions.set(m[1]!, at(i))
      }
    })
    // knowledge-base.ts: audit(tx, deps, actor, 'create' | decision, …) writes `knowledge.${action}`.
    if (file.endsWith(join('knowledge', 'knowledge-base.ts'))) {
      lines.forEach((line, i) => {
        const m = /\baudit\(tx, deps, actor, (?:'([a-z_]+)'|decision)/.exec(line)
        if (!m) return
        for (const a of m[1] ? [m[1]] : ['approve', 'return']) actions.set(`knowledge.${a}`, at(i))
      })
    }
  }
  for (const kind of RECORD_KINDS) actions.set(`supervision.record.${kind}`, 'src/app/supervision/supervision-record.ts')
  return { actions, entities }
}

describe('audit action codes have Chinese names (审计日志)', () => {
  const { actions, entities } = writtenCodes()

  it('finds the codes the source writes (a reader that finds nothing would pass anything)', () => {
    expect(actions.size).toBeGreaterThanOrEqual(50)
    for (const code of ['user.login.failed', 'item.transition', 'ticket.duplicates.detect', 'knowledge.approve', 'supervision.record.interview', 'unit.create', 'dispatch_rule.update']) {
      expect(actions.has(code), code).toBe(true)
    }
  })

  it('names every action code written', () => {
    const unnamed = [...actions].filter(([code]) => !Object.hasOwn(auditActionLabels, code)).map(([code, where]) => `${code} (${where})`)
    expect(unnamed).toEqual([])
  })

  it('names every kind of record written', () => {
    const unnamed = [...entities].filter(([e]) => !Object.hasOwn(auditEntityLabels, e)).map(([e, where]) => `${e} (${where})`)
    expect(unnamed).toEqual([])
  })

  it('names no code the source does not write (a stale name would hide a renamed code)', () => {
    expect(Object.keys(auditActionLabels).filter((code) => !actions.has(code))).toEqual([])
  })

  it('names each code in Chinese, no two codes alike', () => {
    for (const [code, label] of Object.entries(auditActionLabels)) expect(label, code).toMatch(/^[\u4e00-\u9fff0-9（）]+$/)
    const names = Object.values(auditActionLabels)
    expect(new Set(names).size).toBe(names.length)
  })
})
