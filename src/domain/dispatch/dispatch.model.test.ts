import { describe, expect, it } from 'vitest'
import { coldStartExamples } from './cold-start.ts'
import type { DispatchUnit } from './dispatch-unit.types.ts'
import { FUNCTION_CATALOGUE } from './function-catalogue.ts'
import { FUNCTION_DUTIES } from './function-duties.ts'
import { featuresOf } from './features.ts'
import { TICKET_FUNCTIONS } from '../tickets/unit-functions.ts'
import { calibrated, functionRanking, learnOutcome, newDispatchModel, partnerForThird, rankFunctions, servedFunctions, SHARED_SUBJECT_PARTNERS, shownConfidences, suggest, teach, type DispatchModel } from './dispatch.model.ts'
import { accuracyByFunction, calibrationOf } from './evaluate.ts'
import { rank, rankMultinomial } from './naive-bayes.ts'
import { resolvePlace, unitDirectory, withoutPlaces } from './place.resolve.ts'

/** Words separated by spaces: enough to test the model without the native segmenter. */
const spaces = (text: string): string[] => text.split(/[\s，。]+/).filter(Boolean)

const u = (id: string, name: string, parentId: string | null, level: string, fn: string | null, duties = '', aliases: string[] = []): DispatchUnit => ({
  id,
  name,
  parentId,
  level,
  function: fn,
  aliases,
  duties,
})

const UNITS: DispatchUnit[] = [
  u('c', '云州市', null, 'city', null),
  u('c-cg', '云州市城市管理局', 'c', 'department', '城市管理', '占道经营 流动摊贩 违法建设 路灯'),
  u('c-rq', '云州市燃气公司', 'c', 'office', '燃气', '燃气 泄漏 燃气费'),
  u('c-yd', '中国移动云州分公司', 'c', 'office', '通信', '信号 宽带'),
  u('c-dx', '中国电信云州分公司', 'c', 'office', '通信', '信号 宽带'),
  u('c-ban', '云州市政府办', 'c', 'department', '综合协调', '督查 督办'),
  u('q', '青龙区', 'c', 'district', '其他', '统筹 全区 燃气 占道经营'),
  u('q-cg', '青龙区城市管理局', 'q', 'department', '城市管理', '占道经营 流动摊贩'),
  u('q-hb', '河滨街道', 'q', 'township', '街道乡镇', '邻里纠纷 调解 环境卫生'),
  u('q-hb-hx', '河西社区', 'q-hb', 'community', '街道乡镇', ''),
]

function model(): DispatchModel {
  const m = newDispatchModel(UNITS, spaces)
  for (const ex of coldStartExamples(UNITS, [], [])) teach(m, ex)
  return m
}

describe('dispatch suggestions', () => {
  it('sends a request to the unit whose duties speak of it, on a cold start', () => {
    const [first] = suggest(model(), { text: '楼道 燃气 泄漏' })
    expect(first?.unit).toEqual({ id: 'c-rq', name: '云州市燃气公司', function: '燃气' })
  })

  it("lets the place pick the level: the district's unit of the function, else the city's", () => {
    expect(suggest(model(), { text: '流动摊贩 占道经营', address: '青龙区 新市大道66号' })[0]?.unit.id).toBe('q-cg')
    expect(suggest(model(), { text: '流动摊贩 占道经营' })[0]?.unit.id).toBe('c-cg')
  })

  it("sends 乡镇(街道)履职事项 to the place's township, and never without a place", () => {
    expect(suggest(model(), { text: '邻里纠纷 调解', address: '河西社区 5栋' })[0]?.unit.id).toBe('q-hb')
    expect(suggest(model(), { text: '邻里纠纷 调解' }).map((s) => s.unit.function)).not.toContain('街道乡镇')
  })

  it('ranks 街道乡镇 among the functions where the place is unknown, and only functions some unit serves', () => {
    const m = model()
    expect(rankFunctions(m, { text: '邻里纠纷 调解' })[0]?.function).toBe('街道乡镇')
    expect(rankFunctions(m, { text: '邻里纠纷 调解', address: '河西社区 5栋' })[0]?.function).toBe('街道乡镇')
    const fns = rankFunctions(m, { text: '燃气 泄漏 占道经营 信号 督办' }, 10).map((f) => f.function)
    expect(fns).not.toContain('综合协调')
    expect(new Set(fns).size).toBe(fns.length)
  })

  it('keeps the township (属地) among the three, third when the model ranks it fourth or fifth, and only where it serves', () => {
    const m = model()
    // Duties of the city's departments only: the township would not otherwise be among the three.
    const fns = rankFunctions(m, { text: '燃气 泄漏 占道经营 信号' }).map((f) => f.function)
    expect(fns).toHaveLength(3)
    expect(fns[2]).toBe('街道乡镇')
    expect(fns.slice(0, 2)).not.toContain('街道乡镇')
    const s = suggest(m, { text: '燃气 泄漏 占道经营 信号', address: '河西社区 5栋' })
    expect(s.map((x) => x.unit.id)[2]).toBe('q-hb')
    expect([...s].sort((a, b) => b.confidence - a.confidence)).toEqual(s)
    // A place with no township (or none given): no township unit to name.
    expect(suggest(m, { text: '燃气 泄漏 占道经营 信号' }).map((x) => x.unit.function)).not.toContain('街道乡镇')
    // Where the model already ranks it first, it stays first.
    expect(rankFunctions(m, { text: '邻里纠纷 调解' }).map((f) => f.function).filter((f) => f === '街道乡镇')).toHaveLength(1)
  })

  it('does not raise the township to third for a department\'s request the model ranks it far below (国办函〔2025〕66号)', () => {
    const more: DispatchUnit[] = [
      ...UNITS,
      u('c-jj', '云州市交警支队', 'c', 'department', '交警', '红绿灯 违停'),
      u('c-sw', '云州市水务集团', 'c', 'office', '水务', '停水 水压'),
      u('c-gd', '云州供电公司', 'c', 'office', '供电', '停电 电表'),
    ]
    const m = newDispatchModel(more, spaces)
    for (const ex of coldStartExamples(more, [], [])) teach(m, ex)
    // Six departments' words and none of the township's: it ranks seventh, so it is not among the three.
    const text = '燃气 泄漏 占道经营 信号 红绿灯 停水 停电'
    expect(rankFunctions(m, { text }, 10).map((f) => f.function).indexOf('街道乡镇')).toBeGreaterThan(4)
    expect(rankFunctions(m, { text }).map((f) => f.function)).not.toContain('街道乡镇')
    expect(suggest(m, { text, address: '河西社区 5栋' }).map((x) => x.unit.function)).not.toContain('街道乡镇')
  })

  it('puts the partner of the first function third where cities divide the subject differently (城管 / 住建), named by suggest too', () => {
    // A city without townships, so that the third place is not the township's; 住建 is taught only 电梯 of the text.
    const units = [...UNITS.filter((x) => x.level !== 'township' && x.level !== 'community'), u('c-zj', '云州市住房和城乡建设局', 'c', 'department', '住房城乡建设', '物业 电梯 房屋')]
    const m = newDispatchModel(units, spaces)
    for (const ex of coldStartExamples(units, [], [])) teach(m, ex)
    const text = '占道经营 流动摊贩 燃气 泄漏 信号 宽带 电梯'
    // The model alone ranks 通信 third and 住建 after it; the partner takes the third place, the first two stay.
    expect(servedFunctions(m, calibrated(rank(m.functions, featuresOf(spaces, text))), { text }, 3, {}).map((f) => f.function)).toEqual(['城市管理', '燃气', '通信'])
    expect(rankFunctions(m, { text }).map((f) => f.function)).toEqual(['城市管理', '燃气', '住房城乡建设'])
    expect(suggest(m, { text }).map((s) => s.unit.id)).toEqual(['c-cg', 'c-rq', 'c-zj'])
  })

  it('leaves the third place to the township (属地), and names no partner when one is among the three', () => {
    const units = [...UNITS, u('c-zj', '云州市住房和城乡建设局', 'c', 'department', '住房城乡建设', '物业 电梯 房屋')]
    const m = newDispatchModel(units, spaces)
    for (const ex of coldStartExamples(units, [], [])) teach(m, ex)
    const text = '占道经营 流动摊贩 燃气 泄漏 信号 宽带 电梯'
    expect(rankFunctions(m, { text }).map((f) => f.function)).toEqual(['城市管理', '燃气', '街道乡镇'])
    expect(suggest(m, { text, address: '河西社区 5栋' }).map((s) => s.unit.id)).toEqual(['q-cg', 'c-rq', 'q-hb'])
    expect(partnerForThird(['城市管理', '住房城乡建设', '燃气', '水务'])).toBe(-1)
    expect(partnerForThird(['城市管理', '燃气', '街道乡镇', '住房城乡建设'])).toBe(-1)
    // 住建's partners are 城管 and 水务: the one the model ranks better is taken.
    expect(partnerForThird(['住房城乡建设', '燃气', '通信', '水务', '城市管理'])).toBe(3)
    expect(partnerForThird(['燃气', '通信', '供电', '城市管理'])).toBe(-1)
    // Pairs are both ways, and name ticket functions only.
    for (const [a, ps] of Object.entries(SHARED_SUBJECT_PARTNERS)) for (const b of ps) expect(SHARED_SUBJECT_PARTNERS[b]).toContain(a)
    expect(Object.entries(SHARED_SUBJECT_PARTNERS).flatMap(([a, ps]) => [a, ...ps]).filter((f) => !(TICKET_FUNCTIONS as readonly string[]).includes(f))).toEqual([])
  })

  it('counts pairs of neighbouring Chinese words beside the words, stop words inside a pair, digits and Latin not', () => {
    const f = featuresOf(spaces, '路灯 不亮 了 3 天 wifi 没 人 修')
    expect(f).toEqual(expect.arrayContaining(['路灯', '不亮', '路灯_不亮', '不亮_了', '了_天', '没_人', '人_修', 'wifi']))
    expect(f.filter((w) => w.includes('_') && /[0-9a-z]/.test(w))).toEqual([])
  })

  it('does not let a generic word of any complaint (少, 建议, 影响) decide the function', () => {
    // 少 met once in 燃气's duties, nowhere else: before it was a stop word it sent a request about trees there.
    const units = [u('c', '云州市', null, 'city', null), u('c-rq', '燃气公司', 'c', 'office', '燃气', '燃气 泄漏 少'), u('c-yl', '园林局', 'c', 'department', '园林绿化', '绿化 行道树 植树')]
    const m = newDispatchModel(units, spaces)
    for (const ex of coldStartExamples(units, [], [])) teach(m, ex)
    expect(featuresOf(spaces, '树林 少 建议 植树 影响')).not.toEqual(expect.arrayContaining(['少']))
    expect(featuresOf(spaces, '树林 少 建议 植树 影响').filter((w) => ['少', '建议', '影响'].includes(w))).toEqual([])
    expect(rankFunctions(m, { text: '山上 树林 少 少 建议 种树' })[0]?.function).toBe('园林绿化')
  })

  it('gives at most three suggestions, best first, and never a unit that takes no tickets', () => {
    const s = suggest(model(), { text: '燃气 泄漏 占道经营 信号 督办' })
    expect(s.length).toBeLessThanOrEqual(3)
    expect([...s].sort((a, b) => b.confidence - a.confidence)).toEqual(s)
    expect(s.map((x) => x.unit.id)).not.toContain('c-ban')
  })

  it('prefers the carrier the caller names among units sharing a function', () => {
    expect(suggest(model(), { text: '电信 宽带 断线' })[0]?.unit.id).toBe('c-dx')
    expect(suggest(model(), { text: '移动 宽带 断线' })[0]?.unit.id).toBe('c-yd')
  })

  it('learns from closed tickets: a word no duty names comes to mean the unit that handled it', () => {
    const m = model()
    expect(suggest(m, { text: '井盖 丢失' })[0]?.unit.function).not.toBe('燃气')
    for (let i = 0; i < 3; i++) learnOutcome(m, '井盖 丢失', 'c-rq')
    expect(suggest(m, { text: '井盖 丢失' })[0]?.unit.id).toBe('c-rq')
  })

  it('keeps what closed tickets teach apart from the cold start and multiplies the two experts (complement × plain NB)', () => {
    const m = model()
    const f = featuresOf(spaces, '井盖 丢失 燃气')
    const docsBefore = new Map(m.functions.docs)
    const totalsBefore = new Map(m.functions.totals)
    // Nothing learnt yet: the cold start alone.
    expect(functionRanking(m, f)).toEqual(rank(m.functions, f))
    expect(learnOutcome(m, '井盖 丢失', 'c-cg')).toBe(true)
    expect(learnOutcome(m, '流动摊贩 占道', 'c-cg')).toBe(true)
    expect(learnOutcome(m, '燃气 泄漏', 'c-rq')).toBe(true)
    // The cold-start counts are untouched; the tickets are in the learned model.
    expect(m.functions.docs).toEqual(docsBefore)
    expect(m.functions.totals).toEqual(totalsBefore)
    expect([...m.learned.docs.keys()].sort()).toEqual(['城市管理', '燃气'])
    // log p = log p_cold + log p_learned, renormalised: the odds of any two functions are the product of the experts' odds.
    const labels = [...m.functions.docs.keys()]
    const cold = new Map(rank(m.functions, f, labels).map((r) => [r.label, r.probability]))
    const learned = new Map(rankMultinomial(m.learned, f, labels, m.functions.vocabulary.size + m.learned.vocabulary.size + 1).map((r) => [r.label, r.probability]))
    const mixed = new Map(functionRanking(m, f).map((r) => [r.label, r.probability]))
    const odds = (p: Map<string, number>): number => p.get('城市管理')! / p.get('燃气')!
    expect(odds(mixed)).toBeCloseTo(odds(cold) * odds(learned), 6)
    expect([...mixed.values()].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9)
  })

  it("counts a closed ticket handled by a community as the township function's", () => {
    const m = model()
    expect(learnOutcome(m, '广场舞 噪声', 'q-hb-hx')).toBe(true)
    expect(suggest(m, { text: '广场舞 噪声', address: '河西社区' })[0]?.unit.id).toBe('q-hb')
  })
})

describe("every function's generic responsibilities (FUNCTION_DUTIES)", () => {
  it('are written for every ticket function but 其他, and for nothing off the list', () => {
    expect(Object.keys(FUNCTION_DUTIES).sort()).toEqual(TICKET_FUNCTIONS.filter((f) => f !== '其他').sort())
    expect(Object.values(FUNCTION_DUTIES).filter((t) => !t || t.length < 80)).toEqual([])
  })

  it('teach a city whose units have no duties what a function handles, one example per line', () => {
    const bare = UNITS.map((x) => ({ ...x, duties: '' }))
    const rs = u('c-rs', '云州市人力资源和社会保障局', 'c', 'department', '人力资源社会保障')
    const examples = coldStartExamples([...bare, rs], [], [], FUNCTION_DUTIES)
    expect(examples.filter((e) => e.function === '燃气' && !e.unitId)).toHaveLength(FUNCTION_DUTIES.燃气!.split('\n').length)
    const m = newDispatchModel([...bare, rs], spaces)
    expect(suggest(m, { text: '老板 拖欠工资' })).toEqual([])
    for (const ex of examples) teach(m, ex)
    expect(suggest(m, { text: '老板 拖欠工资 三个月' })[0]?.unit.id).toBe('c-rs')
  })
})

describe('the dispatch catalogue per function (FUNCTION_CATALOGUE)', () => {
  it('lists items for every ticket function but 其他, and for nothing off the list', () => {
    expect(Object.keys(FUNCTION_CATALOGUE).sort()).toEqual(TICKET_FUNCTIONS.filter((f) => f !== '其他').sort())
    expect(Object.values(FUNCTION_CATALOGUE).flatMap((t) => (t ?? '').split('、')).filter((item) => !item.trim() || /\s/.test(item))).toEqual([])
  })

  it('is taught one example per item, so that an item no duty names reaches its function', () => {
    const examples = coldStartExamples(UNITS, [], [], FUNCTION_DUTIES, FUNCTION_CATALOGUE)
    expect(examples.filter((e) => e.function === '通信' && !e.unitId)).toHaveLength(FUNCTION_DUTIES.通信!.split('\n').length + FUNCTION_CATALOGUE.通信!.split('、').length)
    const withIt = newDispatchModel(UNITS, spaces)
    for (const ex of examples) teach(withIt, ex)
    const without = newDispatchModel(UNITS, spaces)
    for (const ex of coldStartExamples(UNITS, [], [], FUNCTION_DUTIES)) teach(without, ex)
    // 光交箱 (a fibre cabinet) is in the 通信 items only; the duties say 通信线缆 and 光缆.
    expect(rankFunctions(withIt, { text: '门口 光交箱 被撞歪了' })[0]?.function).toBe('通信')
    expect(rankFunctions(without, { text: '门口 光交箱 被撞歪了' })[0]?.function).not.toBe('通信')
  })
})

describe('places', () => {
  const dir = unitDirectory(UNITS)
  it('finds the deepest place named, by full or short name', () => {
    expect(resolvePlace(dir, '青龙区河西社区幸福里')).toBe('q-hb-hx')
    expect(resolvePlace(dir, '河滨路128号')).toBe('q-hb')
    expect(resolvePlace(dir, '幸福里5栋')).toBeNull()
  })
  it('cuts the address and place names from the text the model reads', () => {
    expect(withoutPlaces(dir, '河西社区汽车站旁有人占道', '青龙区河西社区汽车站旁').replace(/\s+/g, '')).toBe('有人占道')
  })
})

describe('accuracy by function', () => {
  it.each([
    [[{ function: 'A', suggested: ['A', 'B'] }], 1, 1],
    [[{ function: 'A', suggested: ['B', 'C', 'A'] }], 0, 1],
    [[{ function: 'A', suggested: ['B', 'C', 'D', 'A'] }], 0, 0],
    [[{ function: 'A', suggested: [] }, { function: 'B', suggested: ['B'] }], 0.5, 0.5],
  ])('scores %j as top-1 %d, top-3 %d', (cases, top1, top3) => {
    const r = accuracyByFunction(cases)
    expect(r.overall.top1).toBe(top1)
    expect(r.overall.top3).toBe(top3)
    expect(Object.values(r.byFunction).reduce((a, x) => a + x.n, 0)).toBe(cases.length)
  })

  it("gives each function its precision of being first beside its recall (top-1), and a row to one never a label", () => {
    const r = accuracyByFunction([
      { function: 'A', suggested: ['A'] },
      { function: 'A', suggested: ['B', 'A'] },
      { function: 'B', suggested: ['B'] },
      { function: 'B', suggested: ['C'] },
    ])
    expect(r.byFunction['A']).toEqual({ n: 2, top1: 0.5, top3: 1, first: 1, precision: 1 })
    expect(r.byFunction['B']).toEqual({ n: 2, top1: 0.5, top3: 0.5, first: 2, precision: 0.5 })
    expect(r.byFunction['C']).toEqual({ n: 0, top1: 0, top3: 0, first: 1, precision: 0 })
    expect(r.overall).toMatchObject({ n: 4, first: 4, precision: 0.5 })
  })
})

describe('the calibrated confidence (Platt scaling of the first function)', () => {
  const r = (...ps: [string, number][]) => ps.map(([label, probability]) => ({ label, probability }))
  it('raises a low first confidence, keeps the order, and leaves the confidences summing to 1', () => {
    for (const ranked of [r(['D', 0.6], ['A', 0.2], ['B', 0.15], ['C', 0.05]), r(['C', 0.5], ['A', 0.25], ['B', 0.25]), r(['A', 0.3], ['B', 0.3], ['C', 0.2], ['D', 0.2])]) {
      const c = calibrated(ranked)
      expect(c.map((x) => x.label)).toEqual(ranked.map((x) => x.label))
      expect(c.reduce((a, x) => a + x.probability, 0)).toBeCloseTo(1, 9)
      for (let i = 1; i < c.length; i++) expect(c[i]!.probability).toBeLessThanOrEqual(c[i - 1]!.probability)
      expect(c[0]!.probability).toBeGreaterThan(ranked[0]!.probability)
    }
    // Near certainty stays near certainty.
    expect(calibrated(r(['A', 0.999], ['B', 0.001]))[0]!.probability).toBeGreaterThan(0.99)
    expect(calibrated([])).toEqual([])
  })
})

describe('calibration of the first suggestion', () => {
  it('puts each case in its confidence band and measures the gap between said and right', () => {
    const cases = [
      { function: 'A', suggested: ['A'], confidence: 0.9 },
      { function: 'A', suggested: ['B'], confidence: 0.9 },
      { function: 'A', suggested: ['A'], confidence: 0.1 },
      { function: 'A', suggested: ['A'] },
    ]
    const { bands, expectedError } = calibrationOf(cases)
    expect(bands.map((b) => b.n)).toEqual([1, 0, 0, 0, 2])
    expect(bands[4]).toMatchObject({ from: 0.8, to: 1, meanConfidence: 0.9, top1: 0.5 })
    expect(bands[0]).toMatchObject({ meanConfidence: 0.1, top1: 1 })
    // (|0.9 − 0.5| × 2 + |0.1 − 1| × 1) / 3
    expect(expectedError).toBeCloseTo((0.4 * 2 + 0.9) / 3, 10)
  })
})

describe('the calibrated confidence read from another probability (CALIBRATION_TAUGHT)', () => {
  const r = (...ps: [string, number][]) => ps.map(([label, probability]) => ({ label, probability }))
  it('sets the first from the given probability and keeps every other one at most the first, in the same order', () => {
    const c = calibrated(r(['A', 0.95], ['B', 0.04], ['C', 0.01]), { a: 1, b: 0 }, 0.2)
    expect(c.map((x) => x.label)).toEqual(['A', 'B', 'C'])
    expect(c[0]!.probability).toBeCloseTo(0.2, 9)
    // B's share of what is left (0.8 × 0.04/0.05 = 0.64) would pass A's 0.2: it is held at the first's.
    expect(c[1]!.probability).toBeCloseTo(0.2, 9)
    expect(c[2]!.probability).toBeCloseTo(0.16, 9)
  })
  it('reads the cold start for a taught model: a ticket learnt does not make the first function certain', () => {
    const m = model()
    const text = '路灯 不亮 燃气 泄漏'
    const cold = rankFunctions(m, { text })[0]!
    for (let i = 0; i < 20; i++) teach(m, { text: '路灯 不亮', function: '城市管理' })
    const taught = rankFunctions(m, { text })[0]!
    const product = functionRanking(m, featuresOf(spaces, withoutPlaces(m.dir, text)))[0]!
    expect(product.probability).toBeGreaterThan(0.9)
    expect(taught.probability).toBeLessThan(product.probability)
    expect(taught.probability).toBeLessThan(0.95)
    expect(cold.function).toBeDefined()
  })
})

describe('the confidence of each shown rank (CALIBRATION_RANKS)', () => {
  it('calibrates the second and third too: none above the one before, together at most 1, a raised third above its raw share', () => {
    const m = model()
    for (const text of ['路灯 不亮 燃气 泄漏', '燃气 泄漏', '路灯 不亮', '噪音 扰民 路灯']) {
      const feats = featuresOf(spaces, withoutPlaces(m.dir, text))
      const three = rankFunctions(m, { text })
      const c = shownConfidences(m, feats, three.map((f) => ({ label: f.function })))
      expect(three.map((f) => f.probability)).toEqual(c.map((x) => Math.round(x * 1000) / 1000))
      for (let i = 1; i < c.length; i++) expect(c[i]!).toBeLessThanOrEqual(c[i - 1]!)
      expect(c.reduce((a, x) => a + x, 0)).toBeLessThanOrEqual(1 + 1e-9)
      // The second is no longer only its share of what the first left (calibrated(): 0.2–3 % on real letters).
      const residual = calibrated(functionRanking(m, feats)).find((r) => r.label === three[1]?.function)
      if (residual && residual.probability < 0.05) expect(three[1]!.probability).toBeGreaterThan(residual.probability)
      const raised = shownConfidences(m, feats, three.map((f, k) => ({ label: f.function, raised: k === 2 })))
      if (three.length > 2 && c[2]! < c[1]! && c[2]! < 1 - c[0]! - c[1]!) expect(raised[2]!).toBeGreaterThan(c[2]!)
    }
  })
  it('scores the calibration of any rank: the suggestion at that rank right or not', () => {
    const cases = [
      { function: 'B', suggested: ['A', 'B', 'C'], confidences: [0.7, 0.1, 0.05] },
      { function: 'C', suggested: ['A', 'B', 'C'], confidences: [0.7, 0.3, 0.05] },
      { function: 'A', suggested: ['A'], confidences: [0.7] },
    ]
    const second = calibrationOf(cases, 1)
    expect(second.bands.map((b) => b.n)).toEqual([1, 1, 0, 0, 0])
    // (|0.1 − 1| + |0.3 − 0|) / 2
    expect(second.expectedError).toBeCloseTo((0.9 + 0.3) / 2, 10)
    expect(calibrationOf(cases, 2).bands[0]).toMatchObject({ n: 2, top1: 0.5 })
    expect(calibrationOf(cases, 0).bands[3]).toMatchObject({ n: 3, top1: 1 / 3 })
  })
})
