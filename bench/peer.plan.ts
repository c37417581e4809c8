/**
 * A generated plan document (工作要点) for the `peer` benchmark: `count` tasks in sections of 50, each with a
 * lead unit taken in turn from `leads` (names as the demo city's unit list spells them or their aliases), a
 * measurable target and a due date, in the layout of demo/plans/sample-plan.txt. Pure: the same arguments
 * give the same text.
 */

/** Demo liaisons (seed-demo.ts) of five departments, by unit id; plan tasks are led by these in turn. */
export const PLAN_LEADS: Readonly<Record<string, { readonly user: string; readonly name: string }>> = {
  'yz-sjj': { user: 'sjj', name: '市市场监管局' },
  'yz-wjw': { user: 'wjw', name: '市卫健委' },
  'yz-fgw': { user: 'fgw', name: '市发改委' },
  'yz-zjj': { user: 'zjj', name: '市住建局' },
  'yz-cgj': { user: 'cgj', name: '市城管局' },
}

const CN = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九']

/** 1–99 as Chinese numerals (一, 十二, 二十三), for section headings. */
function chinese(n: number): string {
  if (n < 10) return CN[n]!
  const tens = Math.floor(n / 10)
  return `${tens === 1 ? '' : CN[tens]}十${CN[n % 10]}`
}

export function makePlanText(opts: { title: string; count: number; leads: readonly string[]; due: string }): string {
  const lines = [`${opts.title}`, '', `为全面完成全年目标任务，现将重点工作分解如下。各牵头单位每月25日前报送工作进展情况。`, '']
  for (let i = 0; i < opts.count; i++) {
    if (i % 50 === 0) lines.push(`${chinese(i / 50 + 1)}、第${i / 50 + 1}组重点工作`)
    const n = i + 1
    const lead = opts.leads[i % opts.leads.length]!
    lines.push(`${n}. 推进第${n}项重点工作，完成基准项目${(n % 90) + 10}个。（牵头单位：${lead}。完成时间：${opts.due}）`)
  }
  return lines.join('\n') + '\n'
}
