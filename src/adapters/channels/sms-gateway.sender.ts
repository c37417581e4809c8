/**
 * An SMS gateway over HTTP (短信通道): a JSON POST to the configured URL, built from a template whose string
 * values may hold {{phone}}, {{text}}, {{subject}}; the gateway's answer decides success — HTTP 2xx and, when
 * a rule `field=value` is configured, that field of the JSON answer (a dotted path) equal to the value.
 */
import type { ChannelSender } from '../../app/notifications/deliver-channels.ts'

export interface SmsGatewayConfig {
  readonly url: string
  /** The request body with placeholders, e.g. {"mobile":"{{phone}}","content":"{{text}}","sign":"督办"}. */
  readonly template: unknown
  /** Extra request headers (e.g. an API key). */
  readonly headers?: Readonly<Record<string, string>>
  /** `path=value` the answer must hold to count as sent, e.g. `code=0`; absent: any 2xx. */
  readonly successRule?: string
  readonly timeoutMs?: number
}

/** The default body: the number and the text. */
export const DEFAULT_SMS_TEMPLATE = { phone: '{{phone}}', text: '{{text}}' }

/** The template with placeholders filled; values go in as JSON strings, so nothing they hold can change the body's shape. */
export function fillTemplate(template: unknown, vars: Readonly<Record<string, string>>): unknown {
  if (typeof template === 'string') return template.replace(/\{\{(\w+)\}\}/g, (m, k: string) => vars[k] ?? m)
  if (Array.isArray(template)) return template.map((x) => fillTemplate(x, vars))
  if (template && typeof template === 'object') return Object.fromEntries(Object.entries(template).map(([k, v]) => [k, fillTemplate(v, vars)]))
  return template
}

const at = (v: unknown, path: string): unknown => path.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), v)

/** A sender posting each message to the gateway. */
export function smsGatewaySender(cfg: SmsGatewayConfig, fetchImpl: typeof fetch = fetch): ChannelSender {
  const rule = cfg.successRule ? /^([^=]+)=(.*)$/.exec(cfg.successRule) : null
  if (cfg.successRule && !rule) throw new Error(`SMS success rule must be field=value, not '${cfg.successRule}'`)
  return {
    async send({ to, subject, text }) {
      const body = JSON.stringify(fillTemplate(cfg.template, { phone: to, text, subject }))
      const res = await fetchImpl(cfg.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'duban-sms/1', ...(cfg.headers ?? {}) },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(cfg.timeoutMs ?? 10_000),
      })
      const answer = (await res.text().catch(() => '')).slice(0, 2000)
      if (res.status < 200 || res.status >= 300) throw new Error(`gateway HTTP ${res.status}${answer ? `: ${answer.slice(0, 300)}` : ''}`)
      if (!rule) return
      let json: unknown
      try {
        json = JSON.parse(answer)
      } catch {
        throw new Error(`gateway answer is not JSON: ${answer.slice(0, 300)}`)
      }
      const got = at(json, rule[1]!.trim())
      if (String(got) !== rule[2]!.trim()) throw new Error(`gateway refused (${rule[1]}=${String(got)}): ${answer.slice(0, 300)}`)
    },
  }
}
