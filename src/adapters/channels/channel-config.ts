/**
 * Which channels are on (渠道配置), from the environment of `duban serve` (README "Notifications"):
 *   DUBAN_SMTP_URL        smtp://user:pass@mail.example.gov.cn:587 (or smtps://…:465); e-mail is on when set
 *   DUBAN_MAIL_FROM       the From address, e.g. "督查室 <duban@example.gov.cn>" (default duban@localhost)
 *   DUBAN_SMS_URL         the gateway's HTTP(S) endpoint; SMS is on when set
 *   DUBAN_SMS_TEMPLATE    the JSON body with {{phone}}, {{text}}, {{subject}} (default {"phone":"{{phone}}","text":"{{text}}"})
 *   DUBAN_SMS_HEADERS     extra headers as JSON, e.g. {"X-Api-Key":"…"}
 *   DUBAN_SMS_SUCCESS     field=value the gateway's JSON answer must hold, e.g. code=0 (default: any HTTP 2xx)
 * Webhooks are configured in the app (/api/webhooks), not here.
 */
import type { ChannelSenders } from '../../app/notifications/deliver-channels.ts'
import { DEFAULT_SMS_TEMPLATE, smsGatewaySender, type SmsGatewayConfig } from './sms-gateway.sender.ts'
import { smtpSender, type SmtpConfig } from './smtp.sender.ts'

/** The channel settings read from an environment. */
export interface ChannelConfig {
  readonly smtp: SmtpConfig | null
  readonly sms: SmsGatewayConfig | null
}

const json = (name: string, text: string | undefined): unknown => {
  if (!text) return undefined
  try {
    return JSON.parse(text)
  } catch {
    throw new Error(`${name} is not valid JSON`)
  }
}

/** Reads the channel settings; throws on a malformed one, so a bad setting stops `duban serve` at start. */
export function channelConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ChannelConfig {
  const smtp = env.DUBAN_SMTP_URL ? { url: env.DUBAN_SMTP_URL, from: env.DUBAN_MAIL_FROM || 'duban@localhost' } : null
  if (smtp && !/^smtps?:\/\//.test(smtp.url)) throw new Error('DUBAN_SMTP_URL must start with smtp:// or smtps://')
  let sms: SmsGatewayConfig | null = null
  if (env.DUBAN_SMS_URL) {
    if (!/^https?:\/\//.test(env.DUBAN_SMS_URL)) throw new Error('DUBAN_SMS_URL must be an http(s) URL')
    const headers = json('DUBAN_SMS_HEADERS', env.DUBAN_SMS_HEADERS) as Record<string, string> | undefined
    sms = {
      url: env.DUBAN_SMS_URL,
      template: json('DUBAN_SMS_TEMPLATE', env.DUBAN_SMS_TEMPLATE) ?? DEFAULT_SMS_TEMPLATE,
      ...(headers ? { headers } : {}),
      ...(env.DUBAN_SMS_SUCCESS ? { successRule: env.DUBAN_SMS_SUCCESS } : {}),
    }
  }
  return { smtp, sms }
}

/** The senders of the configured channels, and a close() for the SMTP transport. */
export function channelSenders(cfg: ChannelConfig): { senders: ChannelSenders; close(): void } {
  const mail = cfg.smtp ? smtpSender(cfg.smtp) : null
  const senders: ChannelSenders = { ...(mail ? { email: mail } : {}), ...(cfg.sms ? { sms: smsGatewaySender(cfg.sms) } : {}) }
  return { senders, close: () => mail?.close() }
}

/** What the admin screen shows of the settings: which channels are on and where to, without secrets. */
export function describeChannels(cfg: ChannelConfig): { email: { on: boolean; server: string | null; from: string | null }; sms: { on: boolean; gateway: string | null } } {
  const host = (u: string): string => {
    try {
      const x = new URL(u)
      return `${x.protocol}//${x.host}${x.protocol.startsWith('http') ? x.pathname : ''}`
    } catch {
      return '?'
    }
  }
  return {
    email: { on: cfg.smtp !== null, server: cfg.smtp ? host(cfg.smtp.url) : null, from: cfg.smtp?.from ?? null },
    sms: { on: cfg.sms !== null, gateway: cfg.sms ? host(cfg.sms.url) : null },
  }
}
