import { getPriority, setPriority } from "node:os";
import { Worker } from "node:worker_threads";
import type { Logger } from "./create-logger.js";
import type { DoorMessage, DoorThreadData } from "./door-thread.js";
import { createQuietGate } from "./quiet-gate.js";

// The webhook door runs on a thread of its own (door-thread.ts), and the jobs' thread, which
// starts it, then lowers its own priority below the door's. Under a burst the jobs' work on
// this thread (GitHub requests, tokens, JSON) had held the acknowledgements back: ack p99 at
// 100 deliveries a second was 93 to 100 ms with the door here, 40 to 55 ms for an instance
// that only acknowledges (docs/PERFORMANCE.md). Linux keeps a nice value per thread, and a
// thread starts with the one of the thread that starts it: so the door first, then the nice.
//
// A door thread that dies (an uncaught error, out of memory) is started again on the port
// the first one bound: until then GitHub's deliveries fail, and GitHub does not send them
// again by itself. Deaths that keep coming (RESTARTS_PER_WINDOW within RESTART_WINDOW_MS), or
// a restart that cannot listen, end the door for good: `lost` is called, and the app stops so
// that its supervisor starts it afresh.

/** The jobs' thread below the door's; the scans and git stay below both (BACKGROUND_NICE). */
export const JOBS_NICE = 5;
const RESTARTS_PER_WINDOW = 5;
const RESTART_WINDOW_MS = 60_000;
const RESTART_DELAY_MS = 100;

export interface RunningDoor {
  port: number;
  address: string;
  url: string;
  /** Resolves once no delivery is being received, or after `maxMs` (server.ts, Door.quiet). */
  quiet(maxMs: number): Promise<void>;
  close(): Promise<void>;
}

export class DoorStartError extends Error {
  readonly code: string | null;
  constructor(code: string | null, message: string) {
    super(message);
    this.code = code;
  }
}

export interface DoorOptions extends DoorThreadData {
  log: Logger;
  onEnqueued(): void;
  /** The door is gone and will not come back (see above). */
  lost?(err: Error): void;
  /** Starts the door's thread (door-thread.ts); tests give a door that can be made to die. */
  startThread?(workerData: DoorThreadData): Worker;
}

export function startDoor(opts: DoorOptions): Promise<RunningDoor> {
  const { log, onEnqueued, lost, startThread = (workerData) => new Worker(new URL("./door-thread.js", import.meta.url), { workerData }), ...data } = opts;
  const gate = createQuietGate();
  // A restarted thread is started from the jobs' thread and inherits its nice: it asks for the door's back.
  const doorNice = currentPriority();
  let thread: Worker;
  let closing: Promise<void> | null = null;
  let closed: (() => void) | null = null;
  let restartTimer: NodeJS.Timeout | undefined;
  let alive = false;
  const deaths: number[] = [];

  function spawn(port: number, onListening: (m: Extract<DoorMessage, { t: "listening" }>) => void, onFailed: (err: Error) => void): void {
    const t = startThread({ ...data, port, nice: doorNice });
    thread = t;
    alive = true;
    let up = false;
    let failure: Error | null = null;
    t.on("message", (m: DoorMessage) => {
      if (m.t === "turn") {
        for (const l of m.logs) log[l.level](l.obj as object, l.msg);
        if (m.busy !== null) gate.set(m.busy);
        if (m.enqueued) onEnqueued();
      } else if (m.t === "listening") {
        up = true;
        // PORT=0 binds any free port: a restart takes the one the first thread got.
        port = m.port;
        onListening(m);
      } else if (m.t === "failed") {
        failure = new DoorStartError(m.code, m.message);
        void t.terminate();
      } else if (m.t === "closed") closed?.();
    });
    t.on("error", (err) => {
      failure ??= err;
    });
    t.on("exit", () => {
      alive = false;
      gate.set(false);
      if (closing) return closed?.();
      if (!up) return onFailed(failure ?? new Error("the webhook door's thread ended before it listened"));
      died(port, failure ?? new Error("the webhook door's thread ended"));
    });
  }

  function died(port: number, err: Error): void {
    const now = Date.now();
    deaths.push(now);
    while (deaths.length && deaths[0]! < now - RESTART_WINDOW_MS) deaths.shift();
    if (deaths.length > RESTARTS_PER_WINDOW) {
      log.error({ err, deaths: deaths.length }, "the webhook door's thread keeps failing: stopping so the app can be started afresh");
      return lost?.(err);
    }
    log.error({ err }, "the webhook door's thread failed: starting it again; deliveries fail until it is back");
    restartTimer = setTimeout(() => {
      if (closing) return;
      spawn(
        port,
        () => log.info({ port }, "webhook door started again"),
        (e) => {
          log.error({ err: e, port }, "the webhook door could not start again: stopping so the app can be started afresh");
          lost?.(e);
        },
      );
    }, RESTART_DELAY_MS * deaths.length);
  }

  return new Promise<RunningDoor>((resolve, reject) => {
    spawn(
      data.port,
      (m) => {
        lowerOwnPriority();
        resolve({
          port: m.port,
          address: m.address,
          url: m.url,
          quiet: gate.quiet,
          // Once, however often it is asked for: a closed thread answers no second close.
          close: () =>
            (closing ??= new Promise<void>((done) => {
              clearTimeout(restartTimer);
              // Dead and not yet started again: nothing to close.
              if (!alive) return done();
              closed = done;
              thread.postMessage({ t: "close" });
            }).then(() => thread.terminate().then(() => {}))),
        });
      },
      reject,
    );
  });
}

function currentPriority(): number | null {
  try {
    return getPriority();
  } catch {
    return null;
  }
}

function lowerOwnPriority(): void {
  try {
    if (getPriority() < JOBS_NICE) setPriority(JOBS_NICE);
  } catch {
    // not permitted here: the jobs run at the door's priority
  }
}
