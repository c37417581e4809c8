/**
 * The hand-built May 2026 table behind the assessment and export tests (all created 2026-04-01, monthly
 * reports by the 25th). Expected figures, per lead unit, as of the end of May:
 *   sjj: A1 on time, A2 late, A3 open past due → on-time 1/3, overdue 1, targets 2/3, reports 1/1
 *        score 50·⅓ + 30·⅔ + 20·1 − 2·1 = 54.67
 *   wjw: B1 on time, B2 due in June without its May report → on-time 1/1, overdue 0, targets 1/1, reports 0/1 → 80
 *   dh:  C1 cancelled (left out), C2 due in April still open (逾期结转: it counts against dh in May too),
 *        May report late → on-time 0/1, overdue 1, reports 0/1 → (50·0 + 20·0)/70 − 2 → floored at 0
 *   all: on time 2/5 (A1, B1 / A1, A2, B1 finished + A3, C2 open past due), overdue 2
 */
import type { Queryable } from '../../src/persistence/db.ts'
import { insertItem, insertReport } from './supervision-fixture.ts'

const created = '2026-04-01T09:00:00+08:00'

/** Inserts the table. */
export async function insertMayTable(db: Queryable): Promise<void> {
  await insertItem(db, { id: 'A1', title: '优化营商环境', due: '2026-05-15', lead: 'sjj', responsible: ['dh'], cooperating: ['wjw'], createdAt: created, submittedAt: '2026-05-14T10:00:00+08:00', targets: [{ metric: '办理时限压缩', value: 50, met: true }, { metric: '网办率', value: 90, met: false }] })
  await insertItem(db, { id: 'A2', title: '食品安全抽检', due: '2026-05-20', lead: 'sjj', createdAt: created, submittedAt: '2026-05-22T10:00:00+08:00', targets: [{ metric: '抽检批次', value: 1000, met: true }] })
  await insertItem(db, { id: 'A3', title: '市场主体培育', due: '2026-05-29', lead: 'sjj', createdAt: created })
  await insertReport(db, { id: 'rA3', itemId: 'A3', unitId: 'sjj', at: '2026-05-24T15:00:00+08:00', period: '2026-05' })
  await insertItem(db, { id: 'B1', title: '基层医疗能力提升', due: '2026-05-10', lead: 'wjw', createdAt: created, submittedAt: '2026-05-08T10:00:00+08:00', targets: [{ metric: '达标率', value: 95, met: true }] })
  await insertItem(db, { id: 'B2', title: '爱国卫生运动', due: '2026-06-30', lead: 'wjw', createdAt: created })
  await insertItem(db, { id: 'C1', title: '已撤销任务', due: '2026-05-31', lead: 'dh', createdAt: created, cancelledAt: '2026-05-03T10:00:00+08:00' })
  await insertItem(db, { id: 'C2', title: '老旧小区改造', due: '2026-04-30', lead: 'dh', createdAt: created })
  await insertReport(db, { id: 'rC2', itemId: 'C2', unitId: 'dh', at: '2026-05-26T09:00:00+08:00', period: '2026-05' })
}
