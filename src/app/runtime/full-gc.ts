/**
 * A full garbage collection on demand, for the few places that know a pile of garbage has just become collectable
 * and would otherwise stay resident until V8's next major GC (the server's start, a long export). V8 exposes gc()
 * only behind --expose-gc; the flag set at run time takes effect for a new context, from which the function is
 * taken (once, then kept). Nothing depends on it: when the runtime refuses, this does nothing.
 */
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

let gc: (() => void) | null | undefined

/** Runs a full GC if the runtime allows it; returns whether it ran. */
export function fullGc(): boolean {
  if (gc === undefined) {
    try {
      setFlagsFromString('--expose-gc')
      const f = runInNewContext('gc') as unknown
      gc = typeof f === 'function' ? (f as () => void) : null
    } catch {
      gc = null
    }
  }
  if (!gc) return false
  gc()
  return true
}
