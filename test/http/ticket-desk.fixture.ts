/**
 * The 12345 desk the duplicate, 并单 and requester-message suites start from, on a fresh database of the dialect:
 * the test app with its units and users (test-app.ts), the service catalogue and the user `operator`
 * (tickets.fixture.ts), the fake SMTP server and SMS gateway when asked for, and the users named signed in at the
 * test clock's time (2026-03-02 09:00 +08:00 unless moved). Use:
 *   let desk: TicketDesk
 *   beforeAll(async () => { desk = await startTicketDesk(dialect, { signIn: ['operator'] }) }, 300_000)
 *   afterAll(() => desk?.close())
 */
import { jiebaTokenize } from '../../src/adapters/text/jieba.tokenize.ts'
import { drainIntakeJobs, pendingIntakeJobs } from '../../src/app/tickets/intake-followups.ts'
import { createUser } from '../../src/app/users/manage-users.ts'
import { startChannelFakes, type ChannelFakes } from '../support/channel-fakes.ts'
import { startTestApp, TEST_PASSWORD, type TestApp } from '../support/test-app.ts'
import type { Dialect } from '../support/test-db.ts'
import { seedCatalogue } from './tickets.fixture.ts'

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type View = any

export interface TicketDeskOptions {
  /** Starts the fake SMTP server and SMS gateway (channel-fakes.ts); `desk.fakes` holds them. */
  readonly channels?: boolean
  /** Users to sign in once seeded: `operator` or any of TEST_USERS. */
  readonly signIn?: readonly string[]
}

export interface TicketDesk {
  readonly t: TestApp
  /** Bearer tokens by username, of those signed in. */
  readonly tokens: Record<string, string>
  /** Signs the users in (again): sessions last 12 hours, so after moving the clock far, sign in anew. */
  signIn(users: readonly string[]): Promise<void>
  /** One API request as the user (signed in before); the status and the JSON answer. */
  call(method: 'GET' | 'POST', url: string, who: string, payload?: unknown): Promise<{ status: number; body: View }>
  /**
   * Duplicate detection of the tickets taken so far, done at once as the server's worker would within a second
   * (app/tickets/intake-followups.ts); a job the worker holds is skipped (SKIP LOCKED), so this waits for it.
   */
  settle(): Promise<void>
  close(): Promise<void>
}

/** A desk started with `channels: true`. */
export type TicketDeskWithChannels = TicketDesk & { readonly fakes: ChannelFakes }

/** Starts the desk; with `channels: true` the fake gateways come with it. */
export async function startTicketDesk(dialect: Dialect, opts: TicketDeskOptions & { channels: true }): Promise<TicketDeskWithChannels>
export async function startTicketDesk(dialect: Dialect, opts?: TicketDeskOptions): Promise<TicketDesk>
export async function startTicketDesk(dialect: Dialect, opts: TicketDeskOptions = {}): Promise<TicketDesk & { readonly fakes?: ChannelFakes }> {
  const t = await startTestApp(dialect)
  let fakes: ChannelFakes | undefined
  try {
    await t.seedUsers()
    await seedCatalogue(t)
    await createUser(t.deps, null, { username: 'operator', displayName: '话务员', password: TEST_PASSWORD, role: 'operator', unitId: 'city' })
    if (opts.channels) fakes = await startChannelFakes()
  } catch (e) {
    await t.close()
    throw e
  }
  const tokens: Record<string, string> = {}
  const desk: TicketDesk & { fakes?: ChannelFakes } = {
    t,
    tokens,
    ...(fakes ? { fakes } : {}),
    async signIn(users) {
      for (const u of users) tokens[u] = await t.login(u)
    },
    async call(method, url, who, payload) {
      const token = tokens[who]
      if (!token) throw new Error(`${who} is not signed in at the desk (signIn first)`)
      const res = await t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload !== undefined ? { payload: payload as Record<string, unknown> } : {}) })
      return { status: res.statusCode, body: res.json() }
    },
    async settle() {
      for (let i = 0; i < 250; i++) {
        await drainIntakeJobs(t.deps, jiebaTokenize)
        if ((await pendingIntakeJobs(t.db)) === 0) return
        await new Promise((r) => setTimeout(r, 20))
      }
      const left = await pendingIntakeJobs(t.db)
      if (left !== 0) throw new Error(`duplicate detection did not finish: ${left} intake jobs left after 250 rounds`)
    },
    async close() {
      await fakes?.close()
      await t.close()
    },
  }
  try {
    await desk.signIn(opts.signIn ?? [])
  } catch (e) {
    await desk.close()
    throw e
  }
  return desk
}
