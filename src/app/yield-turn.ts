/** One turn of the event loop: what waits to run (other requests' I/O and timers) runs first. For long work done in slices. */
export const yieldTurn = (): Promise<void> => new Promise((r) => setImmediate(r))
