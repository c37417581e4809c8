/**
 * docs/workflow.md restates src/domain/kinds/task.kind.ts (its own words: "this page restates that file"): every
 * state, event (label, from → to, roles) and clock (starts on, stops on) of the task kind is in its tables, and
 * nothing in them that the kind does not declare. Fails when one side changes without the other (as when
 * 撤销下发 was added to the kind and not to the page).
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { taskKind } from '../../src/domain/kinds/index.ts'

const page = readFileSync(join(import.meta.dirname, '../../docs/workflow.md'), 'utf8')

/** The rows of the table under `## heading` whose first cell is a `code` name: name → the other cells. */
function tableRows(heading: string): Map<string, string[]> {
  const section = page.split(/^## /m).find((s) => s.startsWith(heading)) ?? ''
  const rows = new Map<string, string[]>()
  for (const line of section.split('\n')) {
    const m = /^\| `([a-z_]+)` \|(.*)\|$/.exec(line)
    if (m) rows.set(m[1]!, m[2]!.split('|').map((c) => c.trim()))
  }
  return rows
}

const names = (cell: string): string[] => cell.split(',').map((s) => s.trim()).filter((s) => s !== '')

describe('docs/workflow.md restates the task kind', () => {
  it('lists every state with its label and engine type, and no other', () => {
    const rows = tableRows('States')
    expect([...rows.keys()].sort()).toEqual(Object.keys(taskKind.states).sort())
    for (const [name, def] of Object.entries(taskKind.states)) {
      expect(rows.get(name)![0]).toBe(def.label)
      expect(rows.get(name)![1]).toMatch(new RegExp(`^${def.type}\\b`))
    }
  })

  it('lists every event with its label, its states and who takes it, and no other', () => {
    const rows = tableRows('Events')
    expect([...rows.keys()].sort()).toEqual(Object.keys(taskKind.events).sort())
    for (const [event, def] of Object.entries(taskKind.events)) {
      const [label, fromTo, who] = rows.get(event)!
      expect(label, event).toBe(def.label)
      const ts = taskKind.transitions.filter((t) => t.event === event)
      const [from, to] = fromTo!.split('→').map((s) => s.trim())
      const targets = [...new Set(ts.map((t) => t.to ?? '(stays)'))]
      expect(to, event).toBe(targets.join(', '))
      const sources = [...new Set(ts.flatMap((t) => t.from))]
      if (from!.startsWith('any open or waiting state')) {
        expect(sources.sort(), event).toEqual(Object.keys(taskKind.states).filter((s) => taskKind.states[s]!.type !== 'closed').sort())
      } else expect(names(from!).sort(), event).toEqual(sources.sort())
      const roles = [...new Set(ts.flatMap((t) => t.roles))]
      const shown = who!.replace(/liaison \((lead|any)\)/, 'unit_liaison')
      expect(names(shown).sort(), event).toEqual(roles.sort())
    }
  })

  it('lists every clock with the events that start and stop it', () => {
    const rows = tableRows('Clocks and reporting')
    expect([...rows.keys()].sort()).toEqual(taskKind.clocks.map((c) => c.name).sort())
    for (const c of taskKind.clocks) {
      const [label, , starts, stops] = rows.get(c.name)!
      expect(label, c.name).toBe(c.label)
      expect(names(starts!).sort(), c.name).toEqual([...c.startsOn].sort())
      expect(names(stops!).sort(), c.name).toEqual([...c.stopsOn].sort())
    }
  })
})
