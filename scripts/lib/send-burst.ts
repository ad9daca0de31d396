// The webhook sender the benchmarks share: every request of a burst sent as fast as
// `connections` keep-alive connections carry them, from a thread of its own (the caller's
// thread may be serving the app, the GitHub double or git), timing each acknowledgement.
import { Worker } from "node:worker_threads";

/** Milliseconds on a clock every thread of this process shares. */
export const now = () => performance.timeOrigin + performance.now();

export interface Sent {
  /** Each delivery's first attempt (now()), in request order. */
  firstAt: number[];
  acks: number[];
  refused: number;
}

// Closed loop (rate 0): every delivery sent as fast as the connections carry them, so each ack
// waits for the ones in flight before it and the figures measure saturation.
// Open loop (rate R a second): delivery i is due at i / R seconds and its ack is timed from then,
// also when every connection was busy at that moment (no coordinated omission): the latency
// at an offered load, as GitHub's deliveries arrive, whatever the app's pace.
// The app answers 503 + Retry-After when more bodies than it reads at once arrive (server.ts):
// sent again after the wait, as a sender honouring Retry-After would; counted, and the push's
// latency runs from the first attempt.
const SENDER = `
const http = require("node:http");
const { parentPort, workerData } = require("node:worker_threads");
const now = () => performance.timeOrigin + performance.now();
const { requests: reqs, connections, rate } = workerData;
const firstAt = new Array(reqs.length);
const acks = [];
let refused = 0;
let next = 0;
// node:http with keep-alive, not fetch: fetch costs the sender about 1.3 ms of CPU a request,
// which at 32 connections made its own floor p50 43 ms (see the floor row).
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
const send = (url, method, headers, body) => new Promise((resolve, reject) => {
  const u = new URL(url);
  const req = http.request({ agent, host: u.hostname, port: u.port, path: u.pathname, method, headers: body ? { ...headers, "content-length": Buffer.byteLength(body) } : headers }, (res) => {
    res.resume();
    res.on("end", () => resolve(res.statusCode));
  });
  req.on("error", reject);
  req.end(body);
});
// Every connection opened before the clock.
const origins = [...new Set(reqs.map((r) => new URL(r.url).origin))];
const warm = () => Promise.all(origins.flatMap((o) => Array.from({ length: connections }, () => send(o + "/healthz", "GET", {}))));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const deliver = async (i, due) => {
  let { url, headers, body, alt } = reqs[i];
  firstAt[i] = due ?? now();
  for (let t = firstAt[i]; ; t = now()) {
    // An instance that is gone: sent to the other, as a load balancer would.
    const status = await send(url, "POST", headers, body).catch((err) => {
      if (!alt) throw err;
      url = alt;
      alt = undefined;
      return 0;
    });
    if (status === 0) continue;
    // Only an acknowledgement counts: a 503 is a refusal (GitHub would not send it again), counted apart.
    if (status === 202) return void acks.push(now() - t);
    if (status !== 503) throw new Error("delivery answered " + status);
    refused++;
    await sleep(1000);
  }
};
const closed = () => Promise.all(Array.from({ length: connections }, async () => {
  for (let i = next++; i < reqs.length; i = next++) await deliver(i);
}));
const open = async () => {
  const start = now() + 5, sent = [];
  for (let i = 0; i < reqs.length; i++) {
    const due = start + (i * 1000) / rate;
    if (due > now()) await sleep(due - now());
    sent.push(deliver(i, due));
  }
  await Promise.all(sent);
};
warm().then(rate > 0 ? open : closed).then(() => parentPort.postMessage({ firstAt, acks, refused }), (err) => parentPort.postMessage({ error: String(err && err.message || err) }));
`;

/** `rate` 0: closed loop over `connections`; otherwise open loop at `rate` deliveries a second (at most `connections` in flight, the rest wait their turn on the clock). */
/** `alt`: where a request goes when `url` does not answer (an instance killed mid-burst). */
export function sendBurst(requests: { url: string; alt?: string; headers: Record<string, string>; body: string }[], connections = 32, rate = 0): Promise<Sent> {
  const worker = new Worker(SENDER, { eval: true, workerData: { requests, connections, rate } });
  return new Promise<Sent>((resolve, reject) => {
    worker.once("message", (m: Sent | { error: string }) => ("error" in m ? reject(new Error(m.error)) : resolve(m)));
    worker.once("error", reject);
  }).finally(() => void worker.terminate());
}

export const quantile = (xs: readonly number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))] ?? NaN;
