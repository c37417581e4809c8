/** E-mail over SMTP (邮件通道) with nodemailer: one transport per configured server, reused across sends. */
import type SMTPTransport from 'nodemailer/lib/smtp-transport'
import type { ChannelSender } from '../../app/notifications/deliver-channels.ts'

/** How to reach the mail server: an smtp:// or smtps:// URL (user and password in it when needed) and the From address. */
export interface SmtpConfig {
  readonly url: string
  readonly from: string
  /** Per-attempt limit for connecting and for the server's answers, ms (default 15 s). */
  readonly timeoutMs?: number
}

/** A sender that hands each message to the SMTP server; the server's refusal is the error. */
export function smtpSender(cfg: SmtpConfig): ChannelSender & { close(): void } {
  const timeout = cfg.timeoutMs ?? 15_000
  // nodemailer reads host, port, TLS and credentials from `url`; the timeouts sit beside it.
  const options = { url: cfg.url, connectionTimeout: timeout, greetingTimeout: timeout, socketTimeout: timeout } as SMTPTransport.Options
  // nodemailer is loaded with the first message, not at start: most servers send no mail and it is ~100 modules.
  let transport: Promise<ReturnType<typeof import('nodemailer').createTransport>> | null = null
  return {
    async send({ to, subject, text }) {
      transport ??= import('nodemailer').then((m) => m.default.createTransport(options))
      const info = await (await transport).sendMail({ from: cfg.from, to, subject, text })
      if (info.rejected.length > 0) throw new Error(`SMTP rejected ${info.rejected.join(', ')}: ${info.response}`)
    },
    close() {
      void transport?.then((t) => t.close())
    },
  }
}
