import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  DUPLICATE_DEFAULTS,
  duplicatesOf,
  findDuplicates,
  metresBetween,
  parsePairs,
  reasonsFor,
  repeatedAsks,
  scorePairs,
  likenessOf,
  LIKENESS_HIGH,
  sharedTerms,
  similarity,
  subjectWeight,
  textFeatures,
  type DuplicateCandidate,
} from './duplicates.ts'

/** A stand-in segmenter: runs of Han characters in twos, Latin words whole. */
const cut = (s: string): string[] => (s.match(/\p{Script=Han}{1,2}|[A-Za-z]+/gu) ?? [])
const feat = (s: string, address = '') => textFeatures(cut, s, address)

const HAN = fc.string({ unit: fc.constantFrom(...'路灯坏了不亮垃圾清运噪音扰民占道经营停水电梯困人建设街号小区门口'.split('')), maxLength: 30 })

describe('similarity', () => {
  it('is the same both ways round and lies in 0..1', () => {
    fc.assert(
      fc.property(HAN, HAN, HAN, (a, b, place) => {
        const s = similarity(feat(a, place), feat(b, place))
        expect(s).toBe(similarity(feat(b, place), feat(a, place)))
        expect(s).toBeGreaterThanOrEqual(0)
        expect(s).toBeLessThanOrEqual(1)
      }),
    )
  })

  it('is 1 for a text with itself when it has any words, 0 when nothing is shared', () => {
    expect(similarity(feat('路灯坏了不亮'), feat('路灯坏了不亮'))).toBe(1)
    expect(similarity(feat('路灯坏了'), feat('垃圾清运'))).toBe(0)
  })

  it('takes the shared place out: two asks on one street are not alike for naming it', () => {
    const place = '建设路'
    const withPlace = similarity(feat('建设路路灯坏了'), feat('建设路垃圾没清运'))
    const without = similarity(feat('建设路路灯坏了', place), feat('建设路垃圾没清运', place))
    expect(withPlace).toBeGreaterThan(0)
    expect(without).toBe(0)
  })
})

describe('subject weights', () => {
  it('weigh a feature many functions\' duties use next to nothing, a feature no duty uses whole', () => {
    expect(subjectWeight(cut, '~管理')).toBeLessThan(0.01)
    expect(subjectWeight(cut, '~晚上')).toBe(1)
    expect(subjectWeight(cut, '~路灯')).toBeGreaterThan(0.1)
  })

  it('make two texts alike for sharing the subject, not for sharing the duties\' common words', () => {
    // The same shape of text, once with a subject word (路灯) and once with a word of every function's duties (管理).
    const bySubject = similarity(feat('夜里路灯坏了'), feat('路灯晚上不亮'))
    const byCommonWord = similarity(feat('夜里管理坏了'), feat('管理晚上不亮'))
    expect(bySubject).toBeGreaterThanOrEqual(DUPLICATE_DEFAULTS.threshold)
    expect(byCommonWord).toBeLessThan(DUPLICATE_DEFAULTS.threshold)
  })
})

describe('sharedTerms and likenessOf (what the operator is shown)', () => {
  it('names the words both texts use, most telling first, without the place', () => {
    const place = '建设路'
    const terms = sharedTerms(cut, feat('建设路，路灯坏了，晚上很黑', place), feat('建设路，路灯晚上不亮', place))
    expect(terms).toContain('路灯')
    expect(terms).toContain('晚上')
    expect(terms.some((t) => t.includes('建设'))).toBe(false)
    // The words of any request (门口) are not shown.
    expect(sharedTerms(cut, feat('门口，路灯坏了'), feat('门口，路灯不亮'))).toEqual(['路灯'])
    expect(sharedTerms(cut, feat('路灯坏了'), feat('垃圾清运'))).toEqual([])
    expect(sharedTerms(cut, feat('路灯晚上不亮停水垃圾噪音'), feat('路灯晚上不亮停水垃圾噪音'), 2)).toHaveLength(2)
  })

  it('leaves out the words the segmenter calls everyday', () => {
    const everyday = (w: string) => w === '很多'
    expect(sharedTerms(cut, feat('燃气很多苍蝇'), feat('苍蝇很多燃气'), 5, everyday).sort()).toEqual(['燃气', '苍蝇'])
    expect(sharedTerms(cut, feat('燃气很多苍蝇'), feat('苍蝇很多燃气'))).toContain('很多')
  })

  it('reads a similarity as 高 from LIKENESS_HIGH, 中 from the threshold, 低 below', () => {
    expect(likenessOf(LIKENESS_HIGH)).toBe('high')
    expect(likenessOf(DUPLICATE_DEFAULTS.threshold)).toBe('medium')
    expect(likenessOf(DUPLICATE_DEFAULTS.threshold - 0.001)).toBe('low')
  })
})

const DAY = 86_400_000
const at = (days: number): string => new Date(Date.UTC(2026, 2, 31) + days * DAY).toISOString()
const cand = (id: string, days: number, over: Partial<DuplicateCandidate> = {}): DuplicateCandidate => ({
  id, receivedAt: at(days), phone: null, addressKey: '', lat: null, lng: null, features: feat('路灯坏了晚上不亮'), ...over,
})

describe('findDuplicates', () => {
  const subject = cand('new', 0, { phone: '13800000000', addressKey: '建设路88号' })

  it('proposes an earlier ticket of the same requester or place inside the window, with its reasons', () => {
    const found = findDuplicates(subject, [
      cand('phone', -3, { phone: '13800000000' }),
      cand('place', -5, { addressKey: '建设路88号' }),
      cand('both', -1, { phone: '13800000000', addressKey: '建设路88号' }),
      cand('near', -2, { lat: 30, lng: 120 }),
      cand('stranger', -1),
    ], DUPLICATE_DEFAULTS)
    expect(found.map((m) => [m.primaryId, m.reasons])).toEqual(expect.arrayContaining([
      ['phone', ['same_requester']], ['place', ['same_place']], ['both', ['same_requester', 'same_place']],
    ]))
    expect(found.every((m) => m.ticketId === 'new' && m.similarity === 1)).toBe(true)
    expect(found).toHaveLength(3)
  })

  it('leaves out tickets outside the window, later ones unless asked, and texts below the threshold', () => {
    const others = [
      cand('old', -31, { phone: '13800000000' }),
      cand('later', 2, { phone: '13800000000' }),
      cand('other-ask', -1, { phone: '13800000000', features: feat('垃圾三天没人清运') }),
    ]
    expect(findDuplicates(subject, others, DUPLICATE_DEFAULTS)).toEqual([])
    expect(findDuplicates(subject, others, { ...DUPLICATE_DEFAULTS, windowDays: 40 }).map((m) => m.primaryId)).toEqual(['old'])
    // On demand, a later ticket merges into the subject.
    expect(findDuplicates(subject, others, DUPLICATE_DEFAULTS, true)).toEqual([{ ticketId: 'later', primaryId: 'new', reasons: ['same_requester'], similarity: 1 }])
  })

  it('takes coordinates within 150 m as one place', () => {
    const a = cand('a', 0, { lat: 30, lng: 120 })
    expect(reasonsFor(a, cand('b', -1, { lat: 30.001, lng: 120 }))).toEqual(['same_place'])
    expect(reasonsFor(a, cand('c', -1, { lat: 30.002, lng: 120 }))).toEqual([])
    expect(metresBetween({ lat: 30, lng: 120 }, { lat: 30.001, lng: 120 })).toBeCloseTo(111.2, 0)
  })

  it('takes an address written with or without its divisions as one place, where the places are one line', () => {
    const noPhone = { phone: null }
    // 建设路12号 filed in 河滨街道 (in 青龙区, in 云州市), looked for under its writings.
    const a = cand('a', 0, { ...noPhone, addressKey: '建设路12号', addressKeys: ['建设路12号', '青龙区建设路12号'], placeLine: ['yz', 'ql', 'ql-hb'] })
    expect(reasonsFor(a, cand('b', -1, { ...noPhone, addressKey: '青龙区建设路12号', placeLine: ['yz', 'ql'] }))).toEqual(['same_place'])
    expect(reasonsFor(a, cand('c', -1, { ...noPhone, addressKey: '青龙区建设路12号' }))).toEqual(['same_place'])
    // The same words filed in 白虎区: another street of that name.
    expect(reasonsFor(a, cand('d', -1, { ...noPhone, addressKey: '建设路12号', placeLine: ['yz', 'bh'] }))).toEqual([])
    expect(reasonsFor(a, cand('e', -1, { ...noPhone, addressKey: '白虎区建设路12号' }))).toEqual([])
    // Either way round: the subject's writings are asked of the candidate too.
    expect(reasonsFor(cand('f', -1, { ...noPhone, addressKey: '青龙区建设路12号' }), a)).toEqual(['same_place'])
  })
})

describe('repeatedAsks (多次重复诉求)', () => {
  const me = { phone: '13800000000' }
  it('flags the third similar ask of one requester inside the window, not the second nor other asks', () => {
    const third = cand('c', 0, me)
    expect(repeatedAsks(third, [cand('a', -20, me), cand('b', -10, me)], DUPLICATE_DEFAULTS)).toEqual({ asks: 3, earlier: ['a', 'b'] })
    expect(repeatedAsks(third, [cand('a', -20, me)], DUPLICATE_DEFAULTS)).toBeNull()
    expect(repeatedAsks(third, [cand('a', -40, me), cand('b', -10, me)], DUPLICATE_DEFAULTS)).toBeNull()
    expect(repeatedAsks(third, [cand('a', -20, me), cand('b', -10, { ...me, features: feat('垃圾没人清运') })], DUPLICATE_DEFAULTS)).toBeNull()
    expect(repeatedAsks(cand('x', 0), [cand('a', -20), cand('b', -10)], DUPLICATE_DEFAULTS)).toBeNull()
  })
})

describe('duplicatesOf (detection of one subject)', () => {
  it('gives what findDuplicates and repeatedAsks give, each candidate scored once', () => {
    const me = { phone: '13800000000' }
    const subject = cand('c', 0, me)
    const reads = new Map<string, number>()
    // A candidate counting how often its features are read: once per similarity it is scored in.
    const counted = (c: DuplicateCandidate): DuplicateCandidate => {
      const { features, ...rest } = c
      return Object.defineProperty({ ...rest }, 'features', { get: () => (reads.set(c.id, (reads.get(c.id) ?? 0) + 1), features), enumerable: true }) as DuplicateCandidate
    }
    const plain = [cand('a', -20, me), cand('b', -10, me), cand('place', -5, { addressKey: 'k' }), cand('d', -3, { ...me, features: feat('垃圾没人清运') })]
    const found = duplicatesOf({ ...subject, addressKey: 'k' }, plain.map(counted), DUPLICATE_DEFAULTS)
    expect(found.matches).toEqual(findDuplicates({ ...subject, addressKey: 'k' }, plain, DUPLICATE_DEFAULTS))
    expect(found.repeat).toEqual(repeatedAsks(subject, plain, DUPLICATE_DEFAULTS))
    expect(found.repeat).toEqual({ asks: 3, earlier: ['a', 'b'] })
    expect(Object.fromEntries(reads)).toEqual({ a: 1, b: 1, place: 1, d: 1 })
  })
})

describe('scorePairs and parsePairs', () => {
  it('counts precision and recall at a threshold', () => {
    const pairs = [true, true, false, false].map((duplicate) => ({ a: 'x', b: 'y', duplicate }))
    const r = scorePairs(pairs, [0.9, 0.1, 0.8, 0.0], 0.5)
    expect(r).toMatchObject({ truePositives: 1, falsePositives: 1, falseNegatives: 1, precision: 0.5, recall: 0.5, positives: 2 })
    expect(scorePairs(pairs, [0, 0, 0, 0], 0.5).precision).toBeNull()
  })

  it('keeps precision and recall in 0..1 whatever the scores', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.double({ min: 0, max: 1, noNaN: true })), { maxLength: 40 }), fc.double({ min: 0, max: 1, noNaN: true }), (rows, t) => {
        const r = scorePairs(rows.map(([duplicate]) => ({ a: '', b: '', duplicate })), rows.map(([, s]) => s), t)
        for (const v of [r.precision, r.recall]) if (v !== null) expect(v >= 0 && v <= 1).toBe(true)
        expect(r.truePositives + r.falseNegatives).toBe(rows.filter(([d]) => d).length)
      }),
    )
  })

  it('names the bad lines of a file', () => {
    const { pairs, errors } = parsePairs('{"a":"路灯","b":"照明","duplicate":true}\nnot json\n{"a":"x","duplicate":true}\n\n{"a":"x","b":"y","duplicate":false,"address":3}')
    expect(pairs).toHaveLength(1)
    expect(errors).toEqual(['line 2: not JSON', 'line 3: needs "a" and "b" (text) and "duplicate" (true/false)', 'line 5: "address" must be text'])
  })
})
