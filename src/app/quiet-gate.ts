// Whether deliveries are being received, and a wait for the moment none is: a job about to
// start waits for it (start-app.ts), so that a burst's acknowledgements come before the jobs'
// work. The door keeps one (server.ts); the thread that runs the jobs keeps another, fed by
// the door's thread (start-door.ts).

export interface QuietGate {
  /** Deliveries are being received (true) or none is (false). */
  set(busy: boolean): void;
  /** Resolves once no delivery is being received, or after `maxMs`. */
  quiet(maxMs: number): Promise<void>;
}

export function createQuietGate(): QuietGate {
  let busy = false;
  let waiting: (() => void)[] = [];
  return {
    set(b) {
      busy = b;
      if (!b) for (const w of waiting.splice(0)) w();
    },
    quiet: (maxMs) =>
      !busy
        ? Promise.resolve()
        : new Promise((resolve) => {
            const done = () => {
              clearTimeout(timer);
              waiting = waiting.filter((w) => w !== done);
              resolve();
            };
            const timer = setTimeout(done, maxMs);
            waiting.push(done);
          }),
  };
}
