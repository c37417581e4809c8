/**
 * Demo step (演示数据): a few weeks of supervision on the sample plan, so the ledger, notices and
 * rankings of a fresh `npm start` show something to read. Liaisons of some lead units accept their
 * tasks, report progress and finish; one asks for more time; others stay silent and fall overdue.
 * Runs once: it is skipped when any task has left the dispatched state.
 */
import { findUserForLogin } from '../../persistence/users.repo.ts'
import { actorOf as actorOfUser } from '../auth/session.ts'
import type { Actor, AppDeps } from '../deps.ts'
import { takeEvent } from '../items/take-event.ts'
import { superviseTick } from '../supervision/supervise-tick.ts'

/** What each demo liaison does with the tasks its unit leads, in order. */
const SCRIPT: readonly { username: string; steps: readonly ('accept' | 'report' | 'finish' | 'extend')[] }[] = [
  { username: 'fgw', steps: ['accept', 'report', 'finish'] },
  { username: 'wjw', steps: ['accept', 'report'] },
  { username: 'cgj', steps: ['accept', 'extend'] },
  { username: 'zjj', steps: ['accept'] },
]

async function actorOf(deps: AppDeps, username: string): Promise<Actor | null> {
  const u = await findUserForLogin(deps.db, username)
  return u ? actorOfUser(deps, u) : null
}

/** Plays SCRIPT against the demo tasks; returns a line to print, or null when already played. */
export async function seedDemoActivity(deps: AppDeps): Promise<string | null> {
  const moved = await deps.db.query(`SELECT 1 FROM item WHERE kind = 'task' AND state <> 'dispatched' LIMIT 1`)
  if (moved.rows.length > 0) return null
  const supervisor = await actorOf(deps, 'supervisor')
  if (!supervisor) return null
  let events = 0
  for (const { username, steps } of SCRIPT) {
    const liaison = await actorOf(deps, username)
    if (!liaison?.unitId) continue
    const { rows } = await deps.db.query<{ id: string; title: string; due_date: string | null }>(
      `SELECT i.id, i.title, i.due_date::text AS due_date FROM item i JOIN item_unit u ON u.item_id = i.id
        WHERE i.kind = 'task' AND u.role = 'lead' AND u.unit_id = $1 ORDER BY i.number`,
      [liaison.unitId],
    )
    for (const task of rows) {
      for (const step of steps) {
        if (step === 'accept') await takeEvent(deps, liaison, task.id, { event: 'accept' })
        if (step === 'report') {
          await takeEvent(deps, liaison, task.id, { event: 'report_progress', payload: { text: `${task.title}：已制定实施方案，按月推进，完成年度进度约七成。` } })
        }
        if (step === 'finish') {
          await takeEvent(deps, liaison, task.id, { event: 'submit_completion', payload: { text: '各项指标均已完成，相关材料已归档。' } })
          await takeEvent(deps, supervisor, task.id, { event: 'approve_completion' })
          events++
        }
        if (step === 'extend' && task.due_date) {
          const later = `${Number(task.due_date.slice(0, 4)) + 1}-03-31`
          await takeEvent(deps, liaison, task.id, { event: 'request_extension', payload: { reason: '受施工季节影响，申请延期至明年一季度末。', newDue: later } })
        }
        events++
      }
    }
  }
  // One tick at start-up: reminders, 督办单 and escalation for whatever is late today.
  const tick = await superviseTick(deps, deps.clock.now())
  return `demo: ${events} liaison actions on the sample plan; supervision today: ${tick.overdue} overdue, ${tick.warned} near due, ${tick.reportsMissing} reports missing, ${tick.notices} 督办单 issued`
}
