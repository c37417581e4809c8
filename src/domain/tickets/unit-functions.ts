/**
 * The functions (职能) of ticket-handling units, as the service catalogue and the dispatch catalogue name
 * them (unit.function, service_category.function, dispatch_rule.by_function). Units that take no tickets
 * carry one of NON_TICKET_FUNCTIONS.
 */

/** Functions of units that handle 12345 tickets. */
export const TICKET_FUNCTIONS = [
  '城市管理',
  '街道乡镇',
  '生态环境',
  '住房城乡建设',
  '交警',
  '卫生健康',
  '水务',
  '交通运输',
  '供电',
  '人力资源社会保障',
  '市场监管',
  '园林绿化',
  '教育',
  '自然资源规划',
  '燃气',
  '文化旅游',
  '公安',
  '通信',
  '应急管理',
  '农业农村',
  '医疗保障',
  '民政',
  '商务',
  '税务',
  '其他',
] as const

export type TicketFunction = (typeof TICKET_FUNCTIONS)[number]

/** Functions of units that take no tickets. */
export const NON_TICKET_FUNCTIONS = ['综合协调', '发展改革', '财政', '数据管理'] as const

/** The function that means "the township (街道/乡镇) of the place itself". */
export const TOWNSHIP_FUNCTION: TicketFunction = '街道乡镇'

/** True for a function tickets can be dispatched by. */
export function isTicketFunction(f: string): f is TicketFunction {
  return (TICKET_FUNCTIONS as readonly string[]).includes(f)
}
