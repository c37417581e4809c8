import { describe, expect, it } from 'vitest'
import { DubanError } from './errors.ts'
import { fieldLabelOf, labelsOf } from './field-labels.ts'
import { taskKind, ticketKind } from './kinds/index.ts'

describe('the Chinese name of the field an error points at (字段中文名)', () => {
  it('names the innermost field of a request path, and each labelled part with its index', () => {
    expect(fieldLabelOf('payload.newDue')).toBe('申请完成时间')
    expect(fieldLabelOf('body/due')).toBe('完成时间')
    expect(fieldLabelOf('ladder[2].afterDueWorkingDays')).toBe('升级梯度第3项的逾期后工作日数')
    expect(fieldLabelOf('header/origin')).toBeNull()
    expect(fieldLabelOf(undefined)).toBeNull()
  })

  it("puts a kind's own label first (the ticket's text is 答复内容)", () => {
    expect(fieldLabelOf('payload.text', { text: '答复内容' })).toBe('答复内容')
    expect(fieldLabelOf('payload.text')).toBe('内容')
  })

  it("names a field per kind and event: the event's label, else the kind's, else the shared table", () => {
    expect(fieldLabelOf('payload.text', labelsOf(taskKind, 'report_progress'))).toBe('进展情况')
    expect(fieldLabelOf('payload.text', labelsOf(taskKind, 'submit_completion'))).toBe('办结情况')
    expect(fieldLabelOf('payload.text', labelsOf(taskKind))).toBe('任务内容')
    expect(fieldLabelOf('payload.text', labelsOf(ticketKind, 'reply'))).toBe('答复内容')
    expect(fieldLabelOf('payload.text', labelsOf(ticketKind, 'contact'))).toBe('联系情况')
    expect(fieldLabelOf('payload.lead', labelsOf(ticketKind, 'dispatch'))).toBe('承办单位')
    expect(fieldLabelOf('payload.reason', labelsOf(taskKind, 'request_extension'))).toBe('理由')
    expect(fieldLabelOf('payload.text', labelsOf(taskKind, 'no_such_event'))).toBe('任务内容')
  })

  it('says the field in the zh-CN message, a file line as 第n行, and an unnamed place as given', () => {
    expect(new DubanError('DUBAN_ERR_FIELD_REQUIRED', 'x', { where: 'text', label: '答复内容' }).userMessage).toBe('缺少必填项（答复内容）')
    expect(new DubanError('DUBAN_ERR_VALIDATION', 'x', { where: 'body/username' }).userMessage).toBe('请求参数不合法（用户名）')
    expect(new DubanError('DUBAN_ERR_VALIDATION', 'x', { where: 'plan.xlsx:12/due' }).userMessage).toBe('请求参数不合法（plan.xlsx 第12行，完成时间）')
    expect(new DubanError('DUBAN_ERR_VALIDATION', 'x', { where: 'header/origin' }).userMessage).toBe('请求参数不合法（header/origin）')
    expect(new DubanError('DUBAN_ERR_VALIDATION', 'x', { where: 'header/origin' }).field).toBeNull()
    expect(new DubanError('DUBAN_ERR_CALENDAR_DATE', 'x', { where: '2026-03-02T09:00' }).userMessage).toBe('日期或时间格式不正确（应为 YYYY-MM-DD 或 ISO 8601）（2026-03-02T09:00）')
  })
})
