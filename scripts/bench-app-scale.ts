// The app under an organisation's push traffic: a burst of deliveries over many
// repositories and installations, driven over loopback against the GitHub REST double (with
// a network-like latency) and repositories served by `git http-backend`. Reports webhook
// ack p50/p99, push -> completed check run p50/p95/max and throughput, for SQLite with one
// instance, PostgreSQL with one instance and PostgreSQL with two (pg2: both acknowledge and
// run jobs; split: one acknowledges only, LEAKGUARD_WORKERS=0, and every delivery goes to it,
// the other runs the jobs). Each instance is a real
// `leakguard app` process (dist/, so build first) with its own data dir. Also checks the
// outcome: one check run per push, one issue per key. The double enforces GitHub's documented
// secondary limits per installation (80 content-generating requests a minute, 500 an hour,
// 900 points a minute per endpoint, 100 concurrent): the "limited" column counts its 403
// answers (the app waits them out and sends again), "req/push" the GitHub requests per push,
// "loop" the worst event-loop delay p99 / max the door's thread of any instance logged (app/watch-event-loop.ts).
// "(floor)" after the ack figures is the same burst from the same sender to a server that
// answers at once, measured just before: the part of an ack that is the sender's and the box's.
//
// Usage: npm run build && node scripts/run-ts.mjs scripts/bench-app-scale.ts [--deliveries 300] [--repos 12]
//   [--installations 3] [--latency-ms 100] [--workers 4] [--modes sqlite,pg1,pg2,split] [--profile DIR] [--rate R] [--logs DIR] [--kill issue|check-run]
// --rate R sends delivery i at i / R seconds and times its ack from then (scripts/lib/send-burst.ts):
// the ack latency at an offered load. Without it the burst is a closed loop of 32 connections,
// which measures saturation: each ack then waits for the 31 in flight before it.
// "cpu/push" is the CPU the app processes spent (every thread and every git they started and
// waited for, from /proc) divided by the deliveries, "git" the part spent in those git
// processes: on a shared machine the latencies measure the scheduler, this does not. --profile DIR writes a V8 CPU profile of each instance there.
// PostgreSQL: LEAKGUARD_TEST_PG (as for the tests) names a server where databases may be created.
import { execFileSync, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import type { AppProcess } from "../test/helpers/app-process.js";
import { startAppProcess } from "../test/helpers/app-process.js";
import { FAULTS, makeTestApp, startGitHubDouble } from "../test/helpers/github-double/index.js";
import { startGitHttpServer } from "../test/helpers/git-http-server.js";
import { acceptsInstallationToken } from "../test/helpers/accepts-installation-token.js";
import { startTokenGate } from "../test/helpers/token-gate.js";
import { fakeKey } from "../test/helpers/keys.js";
import { makeRepo, runGit, tempDir } from "../test/helpers/repo.js";
import { freshDatabase } from "../test/helpers/postgres.js";
import { makeWebhook, webhookRequest } from "../test/helpers/webhook.js";
import { runCleanups } from "./lib/vitest-outside.js";
import { now, quantile, sendBurst } from "./lib/send-burst.js";
import type { Sent } from "./lib/send-burst.js";

const { values: args } = parseArgs({
  options: {
    deliveries: { type: "string", default: "300" },
    repos: { type: "string", default: "12" },
    installations: { type: "string", default: "3" },
    "latency-ms": { type: "string", default: "100" },
    workers: { type: "string", default: "4" },
    modes: { type: "string", default: "sqlite,pg1,pg2" },
    "leak-every": { type: "string", default: "10" },
    profile: { type: "string" },
    logs: { type: "string" },
    rate: { type: "string", default: "0" },
    kill: { type: "string" },
  },
});
// --kill issue|check-run (pg2): the next request creating an issue (from the burst's start),
// or a check run (once a third of the pushes have theirs), is held by GitHub for 1.5 s, and the instance
// that sent it is killed with SIGKILL while it is in flight; GitHub creates it all the same.
// The other instance takes over the dead one's jobs once its lease (5 s here) has run out.
// The outcome columns must still read 300 completed, 0 wrong check runs, 0 wrong issues.
const KILL = args.kill === undefined ? null : ({ issue: "/repos/{owner}/{repo}/issues", "check-run": "/repos/{owner}/{repo}/check-runs" } as Record<string, string>)[args.kill];
if (KILL === undefined) throw new Error("--kill takes issue or check-run");
const KILL_LEASE_SECONDS = 5;
const LATENCY_MS = Number(args["latency-ms"]);
const N = Number(args.deliveries);
const R = Number(args.repos);
const I = Number(args.installations);
const RATE = Number(args.rate);
const SECRET = "bench-secret";
const ZERO = "0".repeat(40);

interface Push {
  fullName: string;
  installationId: number;
  payload: Record<string, unknown>;
  after: string;
  key: string | null;
}

/** The installation an `authorization: token …` header's token was issued for. */
function tokenInstallation(gh: { state: { tokens: Map<string, { installationId: number }> } }, header: unknown): number | undefined {
  const token = /^(?:token|bearer) (.+)$/i.exec(String(header ?? ""))?.[1];
  return token ? gh.state.tokens.get(token)?.installationId : undefined;
}

async function world() {
  const app = makeTestApp();
  const gh = await startGitHubDouble({ app, latencyMs: Number(args["latency-ms"]), validateResponses: false, secondaryLimits: true });
  const root = tempDir("leakguard-bench-served-");
  const backend = await startGitHttpServer({ root });
  const gate = await startTokenGate({
    target: backend.url,
    authorize: acceptsInstallationToken(gh),
  });
  const installs = Array.from({ length: I }, (_, i) => gh.state.addInstallation({ account: `org${i}` }).id);
  // Each repository gets its share of the pushes as one commit chain, pushed once.
  const chains = Array.from({ length: R }, (_, r) => {
    const owner = `org${r % I}`;
    const name = `repo${r}`;
    const bare = join(root, owner, `${name}.git`);
    runGit(root, ["init", "-q", "--bare", bare]);
    const record = gh.state.addRepo({ owner, name, private: true, clone_url: `${gate.url}/${owner}/${name}.git` });
    const work = makeRepo();
    work.commit("init", { "README.md": `${name}\n` });
    return { owner, name, bare, record, work, installationId: installs[r % I]!, before: ZERO };
  });
  const pushes: Push[] = [];
  for (let i = 0; i < N; i++) {
    const c = chains[i % R]!;
    const key = i % Number(args["leak-every"]) === 0 ? fakeKey() : null;
    const after = c.work.commit(`change ${i}`, { [`src/f${i}.js`]: key ? `module.exports = "${key}";\n` : `module.exports = ${i};\n` });
    const payload = makeWebhook("push", { repo: c.record, installationId: c.installationId, ref: "refs/heads/main", before: c.before, after, sender: "ada" }).payload;
    pushes.push({ fullName: `${c.owner}/${c.name}`, installationId: c.installationId, payload, after, key });
    c.before = after;
  }
  for (const c of chains) runGit(c.work.dir, ["push", "-q", "--force", c.bare, "main:main"]);
  return { app, gh, pushes, async close() { await gate.close(); await backend.close(); await gh.close(); } };
}


// The reference for the acknowledgements, measured in the same run: the same sender and the
// same bodies against a server (its own process) that answers 202 without reading a byte of
// meaning. On a 2-core box the sender shares the CPU with the app, so an ack figure is only
// read against this floor.
const FLOOR_SERVER = `
require("node:http").createServer((req, res) => {
  req.resume();
  req.on("end", () => { res.writeHead(req.method === "POST" ? 202 : 200, { "content-type": "application/json" }); res.end('{"status":"queued"}'); });
}).listen(0, "127.0.0.1", function () { console.log(this.address().port); });
`;

async function ackFloor(requests: { url: string; headers: Record<string, string>; body: string }[]): Promise<{ p50: number; p99: number }> {
  const server = spawn(process.execPath, ["-e", FLOOR_SERVER], { stdio: ["ignore", "pipe", "inherit"] });
  try {
    const port = await new Promise<string>((resolve) => server.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim())));
    const { acks } = await sendBurst(requests.map((r) => ({ ...r, url: `http://127.0.0.1:${port}/api/github/webhooks` })), 32, RATE);
    return { p50: quantile(acks, 0.5), p99: quantile(acks, 0.99) };
  } finally {
    server.kill();
  }
}

// What a mode started and has not stopped yet: a run that fails stops it all, or its app
// processes and git server outlive it (and hold its stdout open).
const running = { instances: new Set<AppProcess>(), worlds: new Set<() => Promise<void>>() };

async function runMode(mode: string) {
  const w = await world();
  running.worlds.add(w.close);
  const databaseUrl = mode === "sqlite" ? null : await freshDatabase();
  const instances: AppProcess[] = [];
  const receiverOnly = (i: number) => mode === "split" && i === 0;
  for (let i = 0; i < (mode === "pg2" || mode === "split" ? 2 : 1); i++) {
    instances.push(
      await startAppProcess(resolve("dist/cli/main.js"), {
        APP_ID: String(w.app.appId),
        PRIVATE_KEY: w.app.privateKeyPem,
        WEBHOOK_SECRET: SECRET,
        GITHUB_API_URL: w.gh.url,
        LEAKGUARD_DATA_DIR: tempDir("leakguard-bench-data-"),
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
        LEAKGUARD_WORKERS: receiverOnly(i) ? "0" : String(args.workers),
        ...(KILL ? { LEAKGUARD_INSTANCE_LEASE_SECONDS: String(KILL_LEASE_SECONDS) } : {}),
        LOG_LEVEL: "info",
      }, args.profile ? ["--cpu-prof", `--cpu-prof-dir=${resolve(args.profile)}`] : []),
    );
    running.instances.add(instances.at(-1)!);
  }

  const deliveryInstallation = new Map<string, number>();
  // The burst, from a thread of its own: this thread also serves the GitHub double and the
  // git server, whose turns would otherwise be counted in the app's acknowledgements.
  const requests = await Promise.all(
    w.pushes.map(async (p, i) => {
      const target = mode === "split" ? instances[0]! : instances[i % instances.length]!;
      const other = instances.find((a) => a !== target);
      const hook = { event: "push", deliveryId: randomUUID(), payload: p.payload, body: JSON.stringify(p.payload) };
      deliveryInstallation.set(hook.deliveryId, p.installationId);
      return { url: `${target.url}/api/github/webhooks`, ...(KILL && other ? { alt: `${other.url}/api/github/webhooks` } : {}), ...(await webhookRequest(hook, { secret: SECRET })) };
    }),
  );
  const floor = await ackFloor(requests);
  // The clock starts with the burst: signing the requests and the floor are not the app's time.
  const doneAt = new Map<string, number>();
  const started = now();
  // One pass over the check runs a poll (not one per push): this thread shares the box with
  // the app, and 300 pushes times 300 runs, 20 times a second, was CPU taken from it.
  const pushBySha = new Map(w.pushes.map((p) => [p.after, p]));
  const poll = setInterval(() => {
    const t = now();
    for (const r of w.gh.state.checkRuns) {
      const p = r.status === "completed" && !doneAt.has(r.head_sha) ? pushBySha.get(r.head_sha) : undefined;
      if (p && r.repo.toLowerCase() === p.fullName.toLowerCase()) doneAt.set(p.after, t);
    }
  }, 50);
  // Issues are opened mostly by the first-sight jobs, before their check runs: that kill is armed at once.
  const ready = args.kill === "issue" ? () => true : () => doneAt.size >= w.pushes.length / 3;
  const killed = KILL && mode === "pg2" ? killWhileCreating(w, instances, KILL, ready, started) : null;
  let sent: Sent;
  try {
    sent = await sendBurst(requests, 32, RATE);
  } catch (err) {
    // An instance that stopped answering: its last words say why.
    for (const a of instances) console.error(a.logs.slice(-20).join("\n"), a.proc.exitCode, a.proc.signalCode);
    throw err;
  }
  const { acks, refused } = sent;
  const sentAt = new Map(w.pushes.map((p, i) => [p.after, sent.firstAt[i]!]));
  const deadline = Date.now() + 15 * 60_000;
  while (doneAt.size < w.pushes.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  clearInterval(poll);
  const kill = killed ? await killed : null;
  const latencies = w.pushes.filter((p) => doneAt.has(p.after)).map((p) => doneAt.get(p.after)! - sentAt.get(p.after)!);
  const last = Math.max(...doneAt.values());
  // Let issue work that follows a check run finish before counting issues.
  await new Promise((r) => setTimeout(r, 3000));

  // Outcome: exactly one check run per push, one issue per key.
  let duplicateRuns = 0;
  let issueProblems = 0;
  for (const p of w.pushes) {
    if (w.gh.state.checkRunsOf(p.fullName).filter((r) => r.head_sha === p.after).length !== 1) duplicateRuns++;
    if (p.key) {
      const tail = p.key.slice(-4);
      const n = w.gh.state.issuesOf(p.fullName).filter((iss) => String(iss.title).includes(tail)).length;
      if (n !== 1) issueProblems++;
    }
  }
  const loop = instances
    .flatMap((a) => a.logs)
    .filter((l) => l.includes('"event loop delay"') && l.includes('"thread":"door"'))
    .map((l) => (JSON.parse(l) as { loopDelayMs: { p99: number; max: number } }).loopDelayMs);
  const installationRequests = w.gh.requests.filter((r) => !String(r.template ?? "").startsWith("/app"));
  const byRoute = new Map<string, number>();
  for (const r of installationRequests) byRoute.set(`${r.method} ${r.template}`, (byRoute.get(`${r.method} ${r.template}`) ?? 0) + 1);
  // The app's CPU: its own threads, and the git children it waited for (counted at their exit).
  const cpus = instances.filter((a) => a.proc.exitCode === null && a.proc.signalCode === null).map((a) => processCpuMs(a.proc.pid!));
  const cpu = cpus.reduce((sum, c) => sum + c.own + c.children, 0);
  const childCpu = cpus.reduce((sum, c) => sum + c.children, 0);
  // Which instance ran which installation's deliveries: each instance paces its own
  // requests per installation, so an uneven spread leaves one instance's lane idle.
  const installationIds = [...new Set(w.pushes.map((p) => p.installationId))];
  // With when each lane's last delivery was done (seconds from the burst's start): a lane
  // that ends early sat idle while another still had work.
  const spread = instances
    .filter((_, i) => !receiverOnly(i))
    .map((a) => {
      const n = new Map<number, { count: number; last: number }>();
      for (const l of a.logs) {
        if (!l.includes('"delivery processed"')) continue;
        const line = JSON.parse(l) as { delivery: string; time: number };
        const inst = deliveryInstallation.get(line.delivery);
        if (inst === undefined) continue;
        const e = n.get(inst) ?? { count: 0, last: 0 };
        n.set(inst, { count: e.count + 1, last: Math.max(e.last, (line.time - started) / 1000) });
      }
      return installationIds.map((id) => `${n.get(id)?.count ?? 0} (to ${(n.get(id)?.last ?? 0).toFixed(1)} s)`).join(", ");
    })
    .join(" | ");
  // How busy each installation's requests kept GitHub, from the burst's start to its last
  // answer: the mean requests in flight (each instance sends one at a time, so pg2 at best
  // keeps 2) and the share of that time with none in flight.
  const inFlight = installationIds.map((id) => {
    const spans = installationRequests
      .filter((r) => r.answeredAt > 0 && tokenInstallation(w.gh, r.headers.authorization) === id)
      .map((r) => [Math.max(r.arrivedAt, started), r.answeredAt] as const);
    const end = Math.max(started, ...spans.map((x) => x[1]));
    const edges = spans.flatMap(([a, b]) => [[a, 1], [b, -1]] as const).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
    let depth = 0, last = started, area = 0, idle = 0;
    for (const [t, d] of edges) {
      area += depth * (t - last);
      if (depth === 0) idle += t - last;
      depth += d;
      last = t;
    }
    const span = Math.max(1, end - started);
    return `${(area / span).toFixed(2)} (idle ${Math.round((100 * idle) / span)}%)`;
  });
  for (const a of instances) await a.stop();
  if (args.logs) {
    mkdirSync(args.logs, { recursive: true });
    instances.forEach((a, i) => writeFileSync(join(args.logs!, `${mode}-${i}.jsonl`), a.logs.join("\n") + "\n"));
  }
  await w.close();
  running.worlds.delete(w.close);
  for (const a of instances) running.instances.delete(a);
  return {
    limited: w.gh.rateLimited,
    perPush: installationRequests.length / w.pushes.length,
    routes: [...byRoute].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([k, n]) => `${k} ${n}`).join(", "),
    loopP99: Math.max(0, ...loop.map((x) => x.p99)),
    loopMax: Math.max(0, ...loop.map((x) => x.max)),
    mode,
    kill,
    lanes: inFlight.join(", "),
    spread,
    /** The machine is shared: the 1-minute load average at the end of the mode, to read the figures against. */
    load: loadavg()[0]!,
    refused,
    completed: doneAt.size,
    ackP50: quantile(acks, 0.5),
    ackP99: quantile(acks, 0.99),
    floor,
    p50: quantile(latencies, 0.5) / 1000,
    p95: quantile(latencies, 0.95) / 1000,
    max: Math.max(...latencies) / 1000,
    throughput: doneAt.size / ((last - started) / 1000),
    duplicateRuns,
    issueProblems,
    cpuPerPush: cpu / w.pushes.length,
    childCpuPerPush: childCpu / w.pushes.length,
  };
}

/**
 * Arms GitHub to hold the next request to `template` once `ready()`, and kills the instance
 * whose connection carries it (found by the client's port) while GitHub holds it.
 */
async function killWhileCreating(w: Awaited<ReturnType<typeof world>>, instances: AppProcess[], template: string, ready: () => boolean, started: number): Promise<string> {
  while (!ready()) await new Promise((r) => setTimeout(r, 50));
  const armedAt = Date.now();
  w.gh.failNext({ method: "POST", path: template, ...FAULTS.slow(1_500) });
  for (const end = Date.now() + 120_000; Date.now() < end; await new Promise((r) => setTimeout(r, 10))) {
    // Held: unanswered well past the latency every request waits (it may have arrived just before the arming).
    const held = w.gh.requests.find((r) => r.method === "POST" && r.template === template && r.answeredAt === 0 && r.arrivedAt >= armedAt - LATENCY_MS - 1_000 && Date.now() - r.arrivedAt > LATENCY_MS + 300);
    if (!held) continue;
    const out = execFileSync("ss", ["-tnpH", `sport = :${held.remotePort}`], { encoding: "utf8" });
    const pid = Number(/pid=(\d+)/.exec(out)?.[1]);
    const victim = instances.findIndex((a) => a.proc.pid === pid);
    if (victim < 0) throw new Error(`no instance owns the connection of the held request (${out.trim()})`);
    instances[victim]!.proc.kill("SIGKILL");
    return `instance ${victim} killed at ${((now() - started) / 1000).toFixed(1)} s while GitHub held its POST ${template}`;
  }
  return `no POST ${template} came within 2 minutes of arming the kill: nothing was killed`;
}

/** A live process's CPU in ms (Linux): its own threads (utime + stime), and its waited-for children (cutime + cstime). */
function processCpuMs(pid: number): { own: number; children: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[0] is the state (field 3): utime is field 14, so index 11.
  const ms = (ids: number[]) => (ids.reduce((sum, i) => sum + Number(fields[i]), 0) * 1000) / CLK_TCK;
  return { own: ms([11, 12]), children: ms([13, 14]) };
}
const CLK_TCK = 100;

const f = (x: number, d = 1) => x.toFixed(d);
console.log(`${N} deliveries over ${R} repositories in ${I} installations; GitHub latency ${args["latency-ms"]} ms; ${args.workers} workers per instance; sent ${RATE > 0 ? `at ${RATE} a second (open loop)` : "as fast as 32 connections carry them"}`);
console.log("mode  completed  ack p50/p99 ms (floor)       push->check p50/p95/max s  deliveries/s  wrong check runs  wrong issues  503s  limited  req/push  loop p99/max ms  cpu/push           load");
const results = [];
for (const mode of String(args.modes).split(",")) {
  const r = await runMode(mode).catch(async (err: unknown) => {
    for (const a of running.instances) a.proc.kill("SIGKILL");
    for (const close of running.worlds) await close().catch(() => {});
    await runCleanups();
    throw err;
  });
  results.push(r);
  console.log(
    `${r.mode.padEnd(6)}${String(r.completed).padStart(9)}  ${f(r.ackP50)}/${f(r.ackP99)} (${f(r.floor.p50)}/${f(r.floor.p99)})`.padEnd(44) +
      `${f(r.p50)}/${f(r.p95)}/${f(r.max)}`.padEnd(27) +
      `${f(r.throughput, 2)}`.padEnd(14) +
      `${r.duplicateRuns}`.padEnd(18) +
      `${r.issueProblems}`.padEnd(14) +
      `${r.refused}`.padEnd(6) +
      `${r.limited}`.padEnd(9) +
      `${f(r.perPush, 2)}`.padEnd(10) +
      `${f(r.loopP99, 0)}/${f(r.loopMax, 0)}`.padEnd(17) +
      `${f(r.cpuPerPush, 0)} (git ${f(r.childCpuPerPush, 0)}) ms`.padEnd(19) +
      `load ${f(r.load)}`,
  );
  if (r.kill) console.log(`      ${r.kill}`);
  console.log(`      requests: ${r.routes}`);
  console.log(`      deliveries run per installation, by instance: ${r.spread}`);
  console.log(`      GitHub requests in flight per installation: ${r.lanes}`);
}
const pg1 = results.find((r) => r.mode === "pg1");
const pg2 = results.find((r) => r.mode === "pg2");
if (pg1 && pg2) console.log(`throughput pg2 / pg1: ${f(pg2.throughput / pg1.throughput, 2)}x`);
await runCleanups();
