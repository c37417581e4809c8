import { describe, expect, it } from 'vitest'
import { channelConfigFromEnv, describeChannels } from './channel-config.ts'
import { fillTemplate, smsGatewaySender } from './sms-gateway.sender.ts'

describe('channel settings from the environment (渠道配置)', () => {
  it('turns on only what is set, and describes it without secrets', () => {
    expect(channelConfigFromEnv({})).toEqual({ smtp: null, sms: null })
    const cfg = channelConfigFromEnv({
      DUBAN_SMTP_URL: 'smtp://duban:s3cret@mail.example.gov.cn:587',
      DUBAN_MAIL_FROM: '督查室 <duban@example.gov.cn>',
      DUBAN_SMS_URL: 'https://sms.example.cn/api/send?key=abc',
      DUBAN_SMS_TEMPLATE: '{"to":"{{phone}}","msg":"{{text}}"}',
      DUBAN_SMS_SUCCESS: 'code=0',
    })
    expect(cfg.sms).toMatchObject({ template: { to: '{{phone}}', msg: '{{text}}' }, successRule: 'code=0' })
    const shown = JSON.stringify(describeChannels(cfg))
    expect(shown).toContain('mail.example.gov.cn:587')
    expect(shown).not.toContain('s3cret')
    expect(shown).not.toContain('key=abc')
  })

  it('refuses a malformed setting at start', () => {
    expect(() => channelConfigFromEnv({ DUBAN_SMTP_URL: 'mail.example.gov.cn' })).toThrow(/smtp:\/\//)
    expect(() => channelConfigFromEnv({ DUBAN_SMS_URL: 'https://x', DUBAN_SMS_TEMPLATE: '{bad' })).toThrow(/DUBAN_SMS_TEMPLATE/)
    expect(() => smsGatewaySender({ url: 'http://x', template: {}, successRule: 'nonsense' })).toThrow(/field=value/)
  })
})

describe('the SMS template (短信模板)', () => {
  it('fills placeholders inside string values only, so a message cannot change the body', () => {
    const body = fillTemplate({ mobile: '{{phone}}', content: '{{text}}', n: 1, list: ['{{phone}}'] }, { phone: '138', text: '"},"admin":true,"x":"' })
    expect(JSON.parse(JSON.stringify(body))).toEqual({ mobile: '138', content: '"},"admin":true,"x":"', n: 1, list: ['138'] })
  })
})
