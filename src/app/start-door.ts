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

/** The jobs' thread below the door's; the scans and git stay below both (BACKGROUND_NICE). */
export const JOBS_NICE = 5;

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
}

export function startDoor(opts: DoorOptions): Promise<RunningDoor> {
  const { log, onEnqueued, ...data } = opts;
  const gate = createQuietGate();
  const thread = new Worker(new URL("./door-thread.js", import.meta.url), { workerData: data satisfies DoorThreadData });
  let closed: (() => void) | null = null;
  let closing: Promise<void> | null = null;
  let up = false;
  return new Promise<RunningDoor>((resolve, reject) => {
    thread.on("message", (m: DoorMessage) => {
      if (m.t === "turn") {
        for (const l of m.logs) log[l.level](l.obj as object, l.msg);
        if (m.busy !== null) gate.set(m.busy);
        if (m.enqueued) onEnqueued();
      } else if (m.t === "listening") {
        up = true;
        lowerOwnPriority();
        resolve({
          port: m.port,
          address: m.address,
          url: m.url,
          quiet: gate.quiet,
          // Once, however often it is asked for: a closed thread answers no second close.
          close: () =>
            (closing ??= new Promise<void>((done) => {
              closed = done;
              thread.postMessage({ t: "close" });
            }).then(() => thread.terminate().then(() => {}))),
        });
      } else if (m.t === "failed") {
        void thread.terminate();
        reject(new DoorStartError(m.code, m.message));
      } else if (m.t === "closed") closed?.();
    });
    thread.on("error", (err) => {
      if (!up) reject(err);
      // What answers webhooks is gone: /healthz stops answering with it, so a supervisor sees it.
      else log.error({ err }, "the webhook door's thread failed: no delivery is acknowledged until the app restarts");
    });
    thread.on("exit", () => {
      gate.set(false);
      closing ??= Promise.resolve();
      closed?.();
    });
  });
}

function lowerOwnPriority(): void {
  try {
    if (getPriority() < JOBS_NICE) setPriority(JOBS_NICE);
  } catch {
    // not permitted here: the jobs run at the door's priority
  }
}
