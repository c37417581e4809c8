/**
 * A local SMTP server and a fake SMS gateway on loopback, with the senders pointed at them, for end-to-end tests
 * of notifications over the channels (as test/e2e/notifications-channels.test.ts starts them).
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { smsGatewaySender } from '../../src/adapters/channels/sms-gateway.sender.ts'
import { smtpSender } from '../../src/adapters/channels/smtp.sender.ts'
import type { ChannelSenders } from '../../src/app/notifications/deliver-channels.ts'

/** A received e-mail, decoded: RFC 2047 subject, base64 or quoted-printable UTF-8 body. */
export interface Mail {
  readonly to: string[]
  readonly subject: string
  readonly text: string
}

function qp(s: string): string {
  const bytes: number[] = []
  const src = s.replace(/=\r?\n/g, '')
  for (let i = 0; i < src.length; i++) {
    if (src[i] === '=' && /^[0-9A-F]{2}$/i.test(src.slice(i + 1, i + 3))) {
      bytes.push(parseInt(src.slice(i + 1, i + 3), 16))
      i += 2
    } else bytes.push(...Buffer.from(src[i]!, 'utf8'))
  }
  return Buffer.from(bytes).toString('utf8')
}

function decodeWords(s: string): string {
  return s.replace(/=\?utf-8\?([bq])\?([^?]*)\?=\s*(?==\?)|=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_m, e1: string, t1: string, e2: string, t2: string) => {
    const enc = (e1 ?? e2).toLowerCase()
    const text = t1 ?? t2
    return enc === 'b' ? Buffer.from(text, 'base64').toString('utf8') : qp(text.replace(/_/g, ' '))
  })
}

/** Parses a raw message as the SMTP server received it. */
export function parseMail(raw: string, to: string[]): Mail {
  const split = raw.indexOf('\r\n\r\n')
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ')
  const body = raw.slice(split + 4)
  const header = (name: string): string => new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(head)?.[1]?.trim() ?? ''
  const cte = header('Content-Transfer-Encoding').toLowerCase()
  const text = cte === 'base64' ? Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8') : cte === 'quoted-printable' ? qp(body) : body
  return { to, subject: decodeWords(header('Subject')), text: text.replace(/\r\n/g, '\n') }
}

/** How the fake gateway answers: ok (`{code: 0}`), an HTTP 500, or a 200 whose JSON refuses (`{code: 1}`). */
export type GatewayMode = 'ok' | 'http500' | 'refuse'

/** An SMS the gateway received: the JSON body, its x-api-key header and how it was answered. */
export interface ReceivedSms {
  readonly body: Record<string, unknown>
  readonly auth: string | undefined
  readonly answered: GatewayMode
}

/** The running fakes: what they received, the senders, how the gateway answers next (settable), and close(). */
export interface ChannelFakes {
  readonly mails: Mail[]
  readonly sms: ReceivedSms[]
  readonly senders: ChannelSenders
  gatewayMode: GatewayMode
  close(): Promise<void>
}

/**
 * Starts an SMTP server and an SMS gateway on 127.0.0.1, on free ports; the SMS sender signs with `sign` and sends
 * `headers` (e.g. an x-api-key) with every request.
 */
export async function startChannelFakes(sign = '督办', headers?: Record<string, string>): Promise<ChannelFakes> {
  const mails: Mail[] = []
  const sms: ReceivedSms[] = []
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        mails.push(parseMail(Buffer.concat(chunks).toString('utf8'), session.envelope.rcptTo.map((r) => r.address)))
        done()
      })
    },
  })
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve))
  const smtpPort = (smtp.server.address() as AddressInfo).port
  const gateway: Server = createServer((req, res) => {
    let data = ''
    req.on('data', (c: Buffer) => (data += c.toString('utf8')))
    req.on('end', () => {
      const mode = fakes.gatewayMode
      const answer = mode === 'ok' ? { code: 0, msgId: `m${sms.length + 1}` } : { code: 1, message: '余额不足' }
      sms.push({ body: JSON.parse(data) as Record<string, unknown>, auth: req.headers['x-api-key'] as string | undefined, answered: mode })
      res.writeHead(mode === 'http500' ? 500 : 200, { 'content-type': 'application/json' }).end(JSON.stringify(answer))
    })
  })
  await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve))
  const gatewayUrl = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}/sms/send`
  const senders: ChannelSenders = {
    email: smtpSender({ url: `smtp://127.0.0.1:${smtpPort}`, from: '督查室 <duban@qingchuan.example>' }),
    sms: smsGatewaySender({ url: gatewayUrl, template: { mobile: '{{phone}}', content: '{{text}}', sign }, ...(headers ? { headers } : {}), successRule: 'code=0' }),
  }
  const fakes: ChannelFakes = {
    mails,
    sms,
    senders,
    gatewayMode: 'ok',
    async close() {
      ;(senders.email as { close?: () => void } | undefined)?.close?.()
      await new Promise<void>((resolve) => smtp.close(() => resolve()))
      await new Promise<void>((resolve) => gateway.close(() => resolve()))
    },
  }
  return fakes
}
