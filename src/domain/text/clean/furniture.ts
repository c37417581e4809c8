/**
 * Site furniture (网站框架): the lines a page wraps around the document — breadcrumbs, author /
 * date / source lines, share and print widgets, paging, related-article lists, footers, template
 * intros of essay sites, keyword-spam lines. Each rule looks at one whole line and blanks it
 * (content gone, the newline kept so later line decisions still see the gap). Rules match both
 * Simplified and Traditional spellings, since a page may be only half converted.
 */
import type { MappedText } from '../mapped-text.ts'
import type { CleaningDraft } from './cleaning-draft.ts'
import { MappedBuilder, forEachLine } from './mapped-builder.ts'

const BREADCRUMB = /^(?:首页|首頁|当前位置|當前位置|您的位置|您现在的位置|您現在的位置)(?:\s|[>›»:：]|$)/
const META_KEY = /(?:编辑|編輯|责任编辑|責任編輯|作者|发布时间|發布時間|发布日期|發布日期|发表时间|更新时间|信息来源|來源|来源|识别码|識別碼|浏览次数|瀏覽次數|点击数|阅读数|阅读次数|字号|字號|背景颜色|背景顏色)\s*[:：]/g
const STAMP = /^(?:时间|時間|日期|发布时间|發布時間)\s*[:：]\s*\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$/
const WIDGET = /^(?:分享到|分享至|分享|打印本页|打印本頁|关闭窗口|關閉窗口|【打印】|【关闭】|【關閉】|收藏本页|加入收藏|返回顶部|返回頂部|TOP|Top|top|上一篇|下一篇|上一页|下一页|返回列表|热门标签|熱門標籤|熱門標簽|相关文章|相關文章|相关推荐|相關推薦|猜你喜欢|猜你喜歡|推荐阅读|推薦閱讀|延伸阅读|延伸閱讀)\s*[:：]?[\s\d]*$/
const NAV = /^(?:上一篇|下一篇|上一页|下一页|上一頁|下一頁)\s*[:：]/
const PAGING = /本文章?共\s*\d+\s*[页頁]|第\s*\d+\s*[页頁]\s*[\/／]?\s*共\s*\d+\s*[页頁]/
const FOOTER = /Produced By|Powered By|Copyright|版权所有|版權所有|ICP备|ICP備|技术支持[:：]|技術支持[:：]/i
/** SEO link-farm footers (`主站蜘蛛池模板: …`) can be very long lines. */
const SPIDER_POOL = /蜘蛛池/
const INTRO = /^(?:导语|導語|开篇|開篇)\s*[:：]/
const TEMPLATE = /整理/
const TEMPLATE_TOO = /范文|範文|小编|小編|供您参考|供您參考|供你借鉴|供你借鑒|欢迎阅读|歡迎閱讀|为您整理|為您整理/
const SPAM = /直播|人妻|无码|無碼|少妇|少婦|影院|成人|色情|三级片|videos?|porn|草社区|草社區|彩票|博彩|娱乐城|娛樂城|赌场|賭場|棋牌|一对一|一對一|极品|極品|中文字幕|日韩|日韓|欧美|歐美|偷拍|自拍|av\b/gi

const SPAM_ANY = new RegExp(SPAM.source, 'i')
const META_ANY = new RegExp(META_KEY.source)

function countDistinct(re: RegExp, s: string): number {
  if (!(re === SPAM ? SPAM_ANY : META_ANY).test(s)) return 0
  const seen = new Set<string>()
  for (const m of s.matchAll(re)) seen.add(m[0].toLowerCase())
  return seen.size
}

/** True when a (trimmed) line is page furniture rather than document text. */
export function isFurniture(line: string): boolean {
  if (line.length === 0) return false
  if (SPIDER_POOL.test(line)) return true
  if (FOOTER.test(line) && line.length < 200) return true
  if (countDistinct(SPAM, line) >= 3 && line.length < 300) return true
  if (line.length > 160) return false
  if (BREADCRUMB.test(line) && line.length < 80) return true
  const metaKeys = countDistinct(META_KEY, line)
  if (metaKeys >= 2) return true
  if (metaKeys === 1 && line.search(META_KEY) === 0 && line.length < 40) return true
  if (STAMP.test(line)) return true
  if (WIDGET.test(line)) return true
  if (NAV.test(line) && line.length < 80) return true
  if (PAGING.test(line) && line.length < 60) return true
  if (INTRO.test(line) && TEMPLATE.test(line)) return true
  if (TEMPLATE.test(line) && TEMPLATE_TOO.test(line) && line.length < 120) return true
  return false
}

/** A heading over a list of links to other pages. */
const LIST_HEAD = /^(?:相关文章|相關文章|相关推荐|相關推薦|猜你喜欢|猜你喜歡|推荐阅读|推薦閱讀|延伸阅读|延伸閱讀|相关阅读|相關閱讀|热门文章|熱門文章|热门推荐|熱門推薦|最新文章|热门标签|熱門標籤|熱門標簽|相关标签|相關標籤)\s*[:：]?$/
/** A document separator (`第3篇` `篇3`) ends a link list: the next part starts there. */
const PART_SEPARATOR = /^(?:第\s*[一二三四五六七八九十百\d]+\s*篇|篇\s*\d+)/
/** A line of a link list: a short title (or a row of keywords), not a sentence. */
function isListLine(line: string): boolean {
  if (PART_SEPARATOR.test(line) || /[。，,；;：:]/.test(line)) return false
  return line.length <= 50 || (line.length <= 300 && line.split(/\s+/).every((w) => w.length <= 16))
}

/**
 * Blanks furniture lines; counts them. A link-list heading (`相关文章`, `猜你喜欢`, `热门标签` …)
 * takes the run of short title lines after it with it, up to a sentence, the next document
 * separator or the end.
 */
export function removeFurniture(t: MappedText, draft: CleaningDraft): MappedText {
  const b = new MappedBuilder(t.text.length)
  let last = 0
  let removed = 0
  let inList = false
  forEachLine(t.text, (start, end) => {
    const line = t.text.slice(start, end).trim()
    if (inList && line.length > 0 && !isListLine(line)) inList = false
    if (!inList && LIST_HEAD.test(line)) inList = true
    if (!inList && !isFurniture(line)) return
    if (line.length === 0) return
    b.pushRange(t, last, start)
    last = end
    removed++
  })
  if (removed === 0) return t
  b.pushRange(t, last, t.text.length)
  draft.furnitureLinesRemoved += removed
  return b.build()
}
