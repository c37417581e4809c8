/**
 * The ledger's opaque keyset cursor (`next`, passed back as `after`): the item number the next page starts after and,
 * when the page's total was a lower bound ("1,000+", or a count's walk that stopped before the end of its range),
 * that total with a fingerprint of the filter it was counted for.
 *
 * Why the total rides along: a lower bound is what a bounded walk found, and walking again on every later page cost
 * most of a deep page (a unit with a common term on 1M generated items: the count's walk of 20,000 items, 34 of the
 * page's 53 ms of PostgreSQL). The pages after the first now show the first page's lower bound. An exact total is
 * read again on every page: it is cheap to read and follows the data. A cursor used with another filter (or forged)
 * carries no total for it: the fingerprint differs and the count is read.
 */
import { createHash } from 'node:crypto'
import { DubanError } from '../../domain/errors.ts'

/** What a cursor says: the number the page starts after; the lower bound counted for the filter, when it matches. */
export interface LedgerCursorRead {
  readonly number: string
  readonly knownTotal?: number | undefined
}

/** The fingerprint of a ledger filter as counted: the same filters and data scope give the same string. */
export function filterPrint(filter: Record<string, unknown>): string {
  const keys = Object.keys(filter).filter((k) => filter[k] !== undefined).sort()
  return createHash('sha256').update(JSON.stringify(keys.map((k) => [k, filter[k]]))).digest('base64url').slice(0, 12)
}

/** The cursor after `number`; with `lowerBound`, the total counted for the filter printed `filter`. */
export function ledgerCursor(number: string, lowerBound?: { readonly total: number; readonly filter: string }): string {
  return Buffer.from(JSON.stringify(lowerBound ? { n: number, t: lowerBound.total, f: lowerBound.filter } : { n: number })).toString('base64url')
}

/** The cursor read for the filter printed `filter`; DUBAN_ERR_VALIDATION when it is not one of ours. */
export function readLedgerCursor(after: string, filter: string): LedgerCursorRead {
  const c = parsed(after)
  if (!c || typeof c.n !== 'string' || c.n.length === 0) {
    throw new DubanError('DUBAN_ERR_VALIDATION', 'after must be the next cursor of a previous page', { where: 'after' })
  }
  const carried = c.f === filter && Number.isSafeInteger(c.t) && (c.t as number) >= 0
  return carried ? { number: c.n, knownTotal: c.t as number } : { number: c.n }
}

function parsed(after: string): { n?: unknown; t?: unknown; f?: unknown } | null {
  try {
    const c: unknown = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'))
    return typeof c === 'object' && c !== null ? c : null
  } catch {
    return null
  }
}
