// Long synchronous work (matching window after window of a hostile blob) between awaits
// that are only microtasks never lets its thread's loop run: a message asking it to stop
// waited for the whole scan. This gives the loop a turn now and then, and ends the work
// there once it has been aborted.

/** An await point that yields to the event loop once `everyMs` have passed since the last, then throws if `signal` is aborted. */
export function takeTurns(signal: AbortSignal | undefined, everyMs = 20): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last >= everyMs) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      last = performance.now();
    }
    signal?.throwIfAborted();
  };
}
