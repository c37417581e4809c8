/**
 * The demo city's units follow the function list (职能, issue 9): every unit's function is one of the ticket
 * functions or of the functions of units that take no tickets, every department or office has one, and
 * every unit has its responsibilities (职责) written in demo/hotline/duties.json.
 */
import { readFile } from 'node:fs/promises'
import { describe, expect, it } from 'vitest'
import { DEMO_DIR } from '../src/app/demo/seed-demo.ts'
import { loadDemoInputs, readDemoDuties } from '../src/app/dispatch/dispatch-inputs.ts'
import { NON_TICKET_FUNCTIONS, TICKET_FUNCTIONS } from '../src/domain/tickets/unit-functions.ts'

describe('demo city units for dispatch', () => {
  it('gives every department and office a function from the list, and nothing off the list', async () => {
    const { units } = await loadDemoInputs(DEMO_DIR)
    const allowed = new Set<string>([...TICKET_FUNCTIONS, ...NON_TICKET_FUNCTIONS])
    const off = units.filter((u) => u.function !== null && !allowed.has(u.function)).map((u) => `${u.id}:${u.function}`)
    expect(off).toEqual([])
    expect(units.filter((u) => (u.level === 'department' || u.level === 'office') && !u.function).map((u) => u.id)).toEqual([])
    expect(units.filter((u) => u.level === 'township' || u.level === 'community').every((u) => u.function === '街道乡镇')).toBe(true)
  })

  it('writes responsibilities for every unit and for no unit that does not exist', async () => {
    const ids = (await readFile(`${DEMO_DIR}/units.csv`, 'utf8')).trim().split('\n').slice(1).map((l) => l.split(',')[0])
    const duties = await readDemoDuties(DEMO_DIR)
    expect(Object.keys(duties).sort()).toEqual([...ids].sort())
    expect(Object.entries(duties).filter(([, text]) => text.trim().length < 10).map(([id]) => id)).toEqual([])
  })
})
