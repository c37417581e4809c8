/**
 * One full garbage collection once `duban serve` has opened its database, before it starts serving. A fresh
 * PGlite data directory is made by initdb in a wasm instance of its own, and PGlite reads its wasm and file
 * bundles into ArrayBuffers: about 500 MB that is garbage once the database is open but stays resident until a
 * major GC, which an idle server may not run for hours (measured: 650 MB of external memory after a fresh start,
 * 140 MB after one GC). V8 exposes gc() only behind --expose-gc; the flag set at run time takes effect for a new
 * context (app/runtime/full-gc.ts). Nothing depends on it: when unavailable this does nothing.
 */
import { fullGc } from '../../app/runtime/full-gc.ts'

/** Runs a full GC if the runtime allows it; returns whether it ran. */
export function collectStartGarbage(): boolean {
  return fullGc()
}
