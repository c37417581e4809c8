import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { fromRaw, type MappedText } from '../mapped-text.ts'
import { clean } from './index.ts'

const seeds = fileURLToPath(new URL('../../../../../shared/corpus/seeds/', import.meta.url))
const hasCorpus = existsSync(seeds)
if (!hasCorpus) console.log(`corpus tests skipped: ${seeds} not found (a fresh clone has no ../shared)`)

const cleanRaw = (raw: string) => clean(fromRaw(raw))
const seed = (name: string) => readFileSync(seeds + name, 'utf8')

/** Source line of the first character of `phrase` in cleaned text. */
function lineOf(t: MappedText, phrase: string): number {
  const i = t.text.indexOf(phrase)
  if (i === -1) throw new Error(`phrase not found: ${phrase}`)
  return t.lines[i]!
}

const PINYIN_GROUP = /\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}\)/

describe('clean: inline cases', () => {
  it('removes a related-articles list with its heading, up to the next part or the end', () => {
    const raw = '一、加强管理。推进整治工作。\n热门标签\n运动美 运动治疗 运动控制培训\n相关文章\n1传统射箭运动的传承与发展\n\n2高校大学生运动鞋消费行为探讨\n第2篇\n一、目标。\n猜你喜欢:\n城市管理工作计划\n'
    const { text } = cleanRaw(raw)
    expect(text.text).not.toMatch(/热门标签|运动美|相关文章|射箭|运动鞋|猜你喜欢|城市管理工作计划/)
    expect(text.text).toContain('第2篇')
    expect(text.text).toContain('一、目标。')
  })

  it('ends a link list at the first sentence', () => {
    const { text } = cleanRaw('相关推荐\n甲工作方案\n二、推进改革,落实责任。\n')
    expect(text.text).not.toContain('甲工作方案')
    expect(text.text).toContain('二、推进改革,落实责任。')
  })

  it('removes pinyin after Han characters and keeps every other parenthesis', () => {
    const { text, report } = cleanRaw('運(yùn)動(dòng)會(huì)方案\n(一)治理PM2.5(PM2.5)(试行)(牵头单位:市环保局)。\n')
    expect(text.text).toContain('运动会方案')
    expect(text.text).toContain('(一)治理PM2.5(PM2.5)(试行)(牵头单位:市环保局)。')
    expect(report.pinyinRemoved).toBe(3)
    expect(report.traditionalConverted).toBe(true)
  })

  it('converts Traditional with OpenCC’s phrase rules where a phrase is not its characters (乾隆, 著作), lines kept', () => {
    const raw = '一、推進乾隆年間檔案的數位化，做好乾燥儲存。\n二、著作權保護工作不能著急，這個月完成。\n'
    const { text, report } = cleanRaw(raw)
    expect(report.traditionalConverted).toBe(true)
    // Character by character 乾 is 干 and 著 is 着: the phrases keep theirs, the other words convert.
    expect(text.text).toContain('乾隆年间')
    expect(text.text).toContain('干燥')
    expect(text.text).toContain('著作权')
    expect(text.text).toContain('着急')
    expect(text.text.split('\n').map((l) => l.length)).toEqual(raw.split('\n').map((l) => l.length))
  })

  it('keeps a Latin list marker and toneless non-pinyin groups', () => {
    const { text } = cleanRaw('方案(a)说明(abc)完毕。\n')
    expect(text.text).toBe('方案(a)说明(abc)完毕。\n')
  })

  it('removes a dashed page number inside a word and rejoins it', () => {
    const { text, report } = cleanRaw('工程建设项目招标投— 2 — 标等领域。\n')
    expect(text.text).toBe('工程建设项目招标投标等领域。\n')
    expect(report.pageNumbersRemoved).toBe(1)
  })

  it('keeps numeric ranges that look like dashes', () => {
    const { text } = cleanRaw('计划出让2—3宗土地,2018-2020年完成。\n')
    expect(text.text).toBe('计划出让2—3宗土地,2018-2020年完成。\n')
  })

  it('joins a word broken across a page-number line and blank lines', () => {
    const raw = '全面实施“双随机、一公开”监督检查,加强事中事\n\n- 3 -\n\n后监管,多渠道公开信息。\n'
    const { text } = cleanRaw(raw)
    expect(text.text).toBe('全面实施“双随机、一公开”监督检查,加强事中事后监管,多渠道公开信息。\n')
    expect(lineOf(text, '后监管')).toBe(5)
    expect(lineOf(text, '事中事')).toBe(1)
  })

  it('never joins onto outline markers, tags, sentence ends or short titles', () => {
    const raw = ['一、总体目标', '完成年度任务。', '(一)加强领导', '1.明确分工', '责任单位:市住建局', '各部门要落实责任', '二是加强督查。'].join('\n')
    const { text } = cleanRaw(raw)
    expect(text.text.split('\n').filter(Boolean)).toEqual(['一、总体目标', '完成年度任务。', '(一)加强领导', '1.明确分工', '责任单位:市住建局', '各部门要落实责任', '二是加强督查。'])
  })

  it('removes HTML residue, including tags whose `<` was lost', () => {
    const { text } = cleanRaw('第一条规定。?br>第二条&nbsp;规定。<br/>\n<p>第三条。</p>\n')
    expect(text.text).toBe('第一条规定。第二条规定。\n第三条。\n')
  })

  it('normalises full-width punctuation to the ASCII canonical form, keeping 、 and 。', () => {
    const { text } = cleanRaw('（一）加强领导；明确分工：牵头单位，市政府、各区。１．完成\n')
    expect(text.text).toBe('(一)加强领导;明确分工:牵头单位,市政府、各区。1.完成\n')
  })

  it('drops spaces between Han characters', () => {
    expect(cleanRaw('积极支 持发展投资。\n').text.text).toBe('积极支持发展投资。\n')
  })

  it('removes site furniture lines', () => {
    const raw = [
      '首页 > 精品范文库 > 3号文库',
      '编辑:某某 识别码:12-395573 发布时间: 2023-04-12 17:32:35 来源:网络',
      '时间:2023-10-12 17:34:27',
      '真人一对一直播,chinese极品人妻videos,青草社区,亚洲影院',
      '本文章共2页',
      '分享到:',
      '主站蜘蛛池模板: 建昌县| 孝义市|',
      '一、加强组织领导。',
    ].join('\n')
    const { text, report } = cleanRaw(raw)
    expect(text.text).toBe('一、加强组织领导。\n')
    expect(text.lines[0]).toBe(8)
    expect(report.furnitureLinesRemoved).toBe(7)
  })

  it('keeps a phase-time line, which is content, not a date stamp', () => {
    expect(cleanRaw('时间:2021年3月至6月。\n').text.text).toBe('时间:2021年3月至6月。\n')
  })

  it('repairs a GBK byte-slip span and reports one it cannot read', () => {
    // Context: the document's own vocabulary decides which reading is right.
    const context = '陳京念表示公司發展。'.repeat(5)
    const raw = `${context}\n企業配合、公眾參與?!标惥┠畋硎?,一網。\n無法辨認?瞏?的文字。\n`
    const { text, report } = cleanRaw(raw)
    expect(report.mojibakeRepaired).toBe(1)
    expect(text.text).toContain('陈京念表')
    expect(lineOf(text, '陈京念表,')).toBe(2)
    expect(report.unrepaired).toContainEqual({ line: 3, text: '?瞏?' })
  })

  it('does not treat a question mark in ASCII text as mojibake', () => {
    const { report } = cleanRaw('What is PM2.5? It is dust.\n')
    expect(report.unrepaired).toEqual([])
  })

  it('leaves Simplified text unconverted', () => {
    expect(cleanRaw('加强组织领导,落实工作责任。\n').report.traditionalConverted).toBe(false)
  })

  it('maps every output character to a source line within range, in order (property)', () => {
    const alphabet = ['运', '(yùn)', '動', '— 2 —', '\n', '\n\n', '。', '一、', '(一)', ' ', '?', '首页 > 文库\n', '&nbsp;', '<br>', '3', '责任单位:', 'a', ',', '：']
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...alphabet), { maxLength: 60 }), (pieces) => {
        const raw = pieces.join('')
        const sourceLines = raw.split('\n').length
        const { text } = cleanRaw(raw)
        expect(text.lines.length).toBe(text.text.length)
        for (let i = 0; i < text.lines.length; i++) {
          expect(text.lines[i]).toBeGreaterThanOrEqual(1)
          expect(text.lines[i]).toBeLessThanOrEqual(sourceLines)
          if (i > 0) expect(text.lines[i]).toBeGreaterThanOrEqual(text.lines[i - 1]!)
        }
      }),
    )
  })
})

describe.skipIf(!hasCorpus)('clean: corpus seeds', () => {
  it('leaves no pinyin group in 001 and keeps real parentheses', () => {
    const raw = seed('001_023999389d3f2522.txt')
    const { text, report } = cleanRaw(raw)
    expect(text.text).not.toMatch(PINYIN_GROUP)
    expect(report.pinyinRemoved).toBeGreaterThan(1000)
    expect(report.traditionalConverted).toBe(true)
    expect(text.text).toContain('(一)')
    expect(text.text).toContain('(北京)')
    // OpenCC's phrases over the character table: 顯著 is 显著 (著 alone would be 着); in 004 多麼 is 多么 (麼 alone 幺).
    expect(text.text).toContain('集聚能力显著提升')
    expect(text.text).not.toContain('显着')
    expect(cleanRaw(seed('004_eeb7a7c624feaf99.txt')).text.text).toContain('多么正确')
  })

  it('keeps (PM2.5) and (试行) style groups in the other seeds', () => {
    for (const name of ['000_27848f10c241bed3.txt', '003_0da8fc8906176886.txt']) {
      const raw = seed(name)
      const kept = raw.match(/\((?:PM2\.5|试行|[一二三四五六七八九十]+)\)/g) ?? []
      const { text } = cleanRaw(raw)
      for (const g of new Set(kept)) expect(text.text).toContain(g)
    }
  })

  it('removes every dashed page number from 000 and rejoins the words', () => {
    const raw = seed('000_27848f10c241bed3.txt')
    expect(raw).toMatch(/— \d+ —/)
    const { text, report } = cleanRaw(raw)
    expect(text.text).not.toMatch(/[—-]\s*\d{1,3}\s*[—-]\s/)
    expect(text.text).toContain('招标投标')
    expect(text.text).toContain('软硬件')
    expect(text.text).toContain('媒体例行政策吹风会')
    expect(report.pageNumbersRemoved).toBeGreaterThanOrEqual(6)
  })

  it('joins a word broken across blank lines in 000 and keeps each half on its source line', () => {
    const raw = seed('000_27848f10c241bed3.txt')
    const { text } = cleanRaw(raw)
    const i = text.text.indexOf('**新区将严格按照')
    expect(i).toBeGreaterThan(-1)
    const rawLines = raw.split('\n')
    const lineNew = rawLines.findIndex((l) => l.endsWith('**新')) + 1
    expect(text.lines[i + 2]).toBe(lineNew)
    expect(text.lines[i + 3]).toBe(rawLines.findIndex((l) => l.startsWith('区将严格按照')) + 1)
  })

  it('maps a known phrase to its source line', () => {
    const raw = seed('000_27848f10c241bed3.txt')
    const { text } = cleanRaw(raw)
    const expected = raw.split('\n').findIndex((l) => l.startsWith('(九)提升实体政务大厅服务能力')) + 1
    expect(lineOf(text, '(九)提升实体政务大厅服务能力')).toBe(expected)
    const tagLine = raw.split('\n').findIndex((l) => l.includes('新区人力资源和社会保障局、城乡建设局')) + 1
    expect(lineOf(text, '新区人力资源和社会保障局、城乡建设局')).toBe(tagLine)
  })

  it('removes the spam lines of 004', () => {
    const raw = seed('004_eeb7a7c624feaf99.txt')
    const { text } = cleanRaw(raw)
    for (const spam of ['人妻', 'videos', '无码', '蜘蛛池', '建昌县|']) expect(text.text).not.toContain(spam)
    expect(text.text).toContain('城市管理业务工作计划')
  })

  it('repairs some GBK mojibake in 001 and reports the rest with their lines', () => {
    const raw = seed('001_023999389d3f2522.txt')
    const rawLines = raw.split('\n')
    const { report } = cleanRaw(raw)
    expect(report.mojibakeRepaired).toBeGreaterThan(0)
    expect(report.unrepaired.length).toBeGreaterThan(0)
    for (const u of report.unrepaired) {
      expect(u.line).toBeGreaterThanOrEqual(1)
      expect(u.line).toBeLessThanOrEqual(rawLines.length)
      expect(rawLines[u.line - 1]).toContain('?')
    }
  })

  it('reports the unreadable replacement-character spans of 004', () => {
    const raw = seed('004_eeb7a7c624feaf99.txt')
    const { report } = cleanRaw(raw)
    const lines = raw.split('\n')
    expect(report.unrepaired.length).toBeGreaterThan(0)
    for (const u of report.unrepaired) expect(lines[u.line - 1]).toMatch(/[\ue000-\uf8ff\ufffd?]/)
  })
})

describe('clean: layouts of held-out documents', () => {
  it('never joins the rows of a | table', () => {
    const { text } = cleanRaw('序号|工作任务|牵头单位\n1|推进改革|县发改局\n2|优化服务|县政务服务中心\n')
    expect(text.text.split('\n').filter(Boolean)).toHaveLength(3)
  })

  it('turns tab-separated rows into | rows, keeping each row on its line', () => {
    const { text } = cleanRaw('序号\t工作事项\t责任单位\n1\t出台办法\t县发改局\n')
    expect(text.text).toBe('序号|工作事项|责任单位\n1|出台办法|县发改局\n')
    expect(lineOf(text, '1|出台')).toBe(2)
  })

  it('reads an HTML table row as a | row', () => {
    const { text } = cleanRaw('<table>\n<tr><td>1</td><td>开展燃气整治</td><td>县住建局</td></tr>\n</table>\n')
    expect(text.text.trim()).toBe('1|开展燃气整治|县住建局')
  })

  it('joins a Word table saved one cell per line into | rows on the line of each serial', () => {
    const raw = ['序号', '工作任务', '牵头单位', '完成时限', '一、稳定增长', '1', '新开工项目100个', '市发改委', '年底前', '2', '实施消费提振', '行动', '市商务局', '6月底前', '', '各单位每月报送进展。'].join('\n')
    const { text } = cleanRaw(raw)
    expect(text.text).toContain('序号|工作任务|牵头单位|完成时限\n一、稳定增长\n1|新开工项目100个|市发改委|年底前\n')
    expect(text.text).toContain('2|实施消费提振行动|市商务局|6月底前')
    expect(lineOf(text, '2|实施')).toBe(10)
  })

  it('drops a running header repeated next to page numbers and rejoins the hard-wrapped sentence', () => {
    const wrap = '　　1．严格落实产能置换要求，新改扩建项目严格执行国家和省有关规定要求，'
    const body = [wrap.slice(0, 20), wrap.slice(20), '', '— 1 —', '', 'XX市工作方案', '执行国家和省有关规定。'].join('\n')
    const raw = ['XX市工作方案', ...Array(6).fill('　　'.padEnd(20, '甲')), body, '', '— 2 —', '', 'XX市工作方案', '完成。'].join('\n')
    const { text } = cleanRaw(raw)
    expect(text.text.split('\n')[0]).toBe('XX市工作方案')
    expect(text.text.match(/XX市工作方案/g)).toHaveLength(1)
  })

  it('moves a number that slipped past a word break back to its line', () => {
    const { text } = cleanRaw('18、加快建设。\n\n打造亮点工程。抓好服务区建\n\n19、设。全年实施项目20项。\n')
    expect(text.text).toContain('19、打造亮点工程。抓好服务区建设。全年实施项目20项。')
    expect(lineOf(text, '19、打造')).toBe(3)
  })
})
