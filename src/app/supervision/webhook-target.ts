/**
 * Where webhooks may go (推送目标): never to loopback, private, link-local or other special-purpose
 * addresses (SSRF into the city's network), unless an administrator allows a range with
 * DUBAN_WEBHOOK_ALLOW_NETS (comma-separated CIDRs, e.g. `10.20.0.0/16,127.0.0.1/32`). Checked when a
 * subscription is saved (literal addresses and localhost) and again before each delivery, after DNS.
 */
import { lookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'
import { DubanError } from '../../domain/errors.ts'

const SPECIAL_V4 = ['0.0.0.0/8', '10.0.0.0/8', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16', '172.16.0.0/12', '192.0.0.0/24', '192.168.0.0/16', '198.18.0.0/15', '224.0.0.0/4', '240.0.0.0/4']
const SPECIAL_V6 = ['::/128', '::1/128', 'fc00::/7', 'fe80::/10', 'ff00::/8', '::ffff:0:0/96']

const special = new BlockList()
for (const c of SPECIAL_V4) special.addSubnet(c.split('/')[0] as string, Number(c.split('/')[1]), 'ipv4')
for (const c of SPECIAL_V6) special.addSubnet(c.split('/')[0] as string, Number(c.split('/')[1]), 'ipv6')

/**
 * The ranges in a DUBAN_WEBHOOK_ALLOW_NETS value: every comma-separated entry an address or address/prefix (0–32,
 * 0–128), else an Error naming the entry (`duban serve` calls this at start, so a bad value stops it there).
 */
export function parseAllowNets(text: string | undefined): BlockList {
  const list = new BlockList()
  for (const raw of (text ?? '').split(',')) {
    const entry = raw.trim()
    if (!entry) continue
    const [addr = '', bits, extra] = entry.split('/')
    const type = isIP(addr)
    const max = type === 4 ? 32 : 128
    if (!type || extra !== undefined || (bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= max))) {
      throw new Error(`DUBAN_WEBHOOK_ALLOW_NETS must be addresses or CIDR ranges separated by commas, not '${entry}'`)
    }
    list.addSubnet(addr, bits === undefined ? max : Number(bits), type === 4 ? 'ipv4' : 'ipv6')
  }
  return list
}

/** The ranges an administrator allowed (env DUBAN_WEBHOOK_ALLOW_NETS, checked at start by `duban serve`). */
function allowed(): BlockList {
  return parseAllowNets(process.env.DUBAN_WEBHOOK_ALLOW_NETS)
}

/** Null when the address may receive webhooks, else why not. */
export function addressProblem(address: string): string | null {
  const type = isIP(address)
  if (!type) return null
  const family = type === 4 ? 'ipv4' : 'ipv6'
  if (!special.check(address, family)) return null
  if (allowed().check(address, family)) return null
  return `${address} is a loopback, private or special-purpose address; an administrator must allow its range in DUBAN_WEBHOOK_ALLOW_NETS`
}

const hostOf = (url: URL): string => url.hostname.replace(/^\[|\]$/g, '')

/** Throws DUBAN_ERR_WEBHOOK_INVALID for a URL whose host is a refused literal address or localhost. */
export function checkWebhookUrl(url: URL): void {
  const host = hostOf(url).toLowerCase()
  const literal = host === 'localhost' || host.endsWith('.localhost') ? '127.0.0.1' : host
  const problem = addressProblem(literal)
  if (problem) throw new DubanError('DUBAN_ERR_WEBHOOK_INVALID', `url: ${problem}`, { where: 'url' })
}

/** Before a delivery: the host's every address (after DNS) must be allowed; the reason when one is not. */
export async function deliveryProblem(rawUrl: string): Promise<string | null> {
  let url: URL
  try {
    url = new URL(rawUrl)
  } catch {
    return 'not a URL'
  }
  try {
    checkWebhookUrl(url)
  } catch (e) {
    return (e as Error).message
  }
  const host = hostOf(url)
  if (isIP(host)) return null
  try {
    const addrs = await lookup(host, { all: true })
    for (const a of addrs) {
      const p = addressProblem(a.address)
      if (p) return `${host} resolves to ${p}`
    }
  } catch {
    return null // the fetch reports the DNS failure itself
  }
  return null
}
