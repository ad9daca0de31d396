// One `git fast-import` fed as a stream (backpressure respected, no process per commit), for
// every synthetic history: blobs by mark, commits, tags, and the object id of each mark at
// the end.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type ChangeOp = { type: "M"; path: string; mark: number; mode?: string } | { type: "D"; path: string } | { type: "R"; path: string; to: string };

export interface CommitSpec {
  ref: string;
  mark?: number;
  /** "Name <email> seconds +0000"; git takes the committer when there is no author. */
  author?: string;
  committer: string;
  message: string;
  /** A mark, or a ref or object id to start from; none continues the ref. */
  from?: number | string;
  merge?: number;
  ops: ChangeOp[];
}

export interface FastImport {
  blob(mark: number, bytes: Buffer | string): Promise<void>;
  commit(c: CommitSpec): Promise<void>;
  /** An annotated tag. */
  tag(name: string, from: number, tagger: string, message: string): Promise<void>;
  /** A ref (a lightweight tag, a branch) set to a mark. */
  reset(ref: string, from: number): Promise<void>;
  /** Ends the stream; resolves to each mark's object id once git has written everything. */
  finish(): Promise<Map<number, string>>;
  /** Stops git and removes the scratch files (after a failure; finish() does it otherwise). */
  abort(): void;
}

const ref = (from: number | string): string => (typeof from === "number" ? `:${from}` : from);

export function openFastImport(dir: string, env: NodeJS.ProcessEnv): FastImport {
  const scratch = mkdtempSync(join(tmpdir(), "leakguard-synthetic-marks-"));
  const marks = join(scratch, "marks");
  const child = spawn("git", ["fast-import", "--quiet", "--done", `--export-marks=${marks}`], { cwd: dir, env, stdio: ["pipe", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => {
    if (stderr.length < 4096) stderr += c.toString();
  });
  const exited = new Promise<number | null>((res, rej) => {
    child.on("error", rej);
    child.on("close", (code) => res(code));
  });
  let exitCode: number | null | undefined; // undefined while git runs
  void exited.then((code) => (exitCode = code), () => (exitCode = null));
  const failure = (code: number | null | undefined): Error => new Error(`git fast-import exited with ${code}: ${stderr.trim().split("\n")[0] ?? ""}`);
  // A dead fast-import fails the next write with git's own reason, not with EPIPE, and
  // stops the generator there instead of letting it produce the rest for nobody.
  child.stdin.on("error", () => {});
  const write = async (data: Buffer | string): Promise<void> => {
    if (exitCode !== undefined) throw failure(exitCode);
    if (!child.stdin.write(data)) await Promise.race([once(child.stdin, "drain").catch(() => {}), exited]);
  };
  const data = async (bytes: Buffer | string): Promise<void> => {
    await write(`data ${Buffer.byteLength(bytes)}\n`);
    await write(bytes);
    await write("\n");
  };
  return {
    async blob(mark, bytes) {
      await write(`blob\nmark :${mark}\n`);
      await data(bytes);
    },
    async commit(c) {
      let head = `commit ${c.ref}\n`;
      if (c.mark !== undefined) head += `mark :${c.mark}\n`;
      if (c.author !== undefined) head += `author ${c.author}\n`;
      await write(head + `committer ${c.committer}\n`);
      const msg = Buffer.from(c.message);
      await write(`data ${msg.length}\n`);
      await write(msg);
      let s = "";
      if (c.from !== undefined) s += `from ${ref(c.from)}\n`;
      if (c.merge !== undefined) s += `merge :${c.merge}\n`;
      for (const op of c.ops) {
        if (op.type === "M") s += `M ${op.mode ?? "100644"} :${op.mark} ${op.path}\n`;
        else if (op.type === "D") s += `D ${op.path}\n`;
        else s += `R ${op.path} ${op.to}\n`;
      }
      await write(s + "\n");
    },
    async tag(name, from, tagger, message) {
      await write(`tag ${name}\nfrom :${from}\ntagger ${tagger}\n`);
      await data(message);
    },
    async reset(name, from) {
      await write(`reset ${name}\nfrom :${from}\n\n`);
    },
    async finish() {
      try {
        await write("done\n");
        child.stdin.end();
        const code = await exited;
        if (code !== 0) throw failure(code);
        const oids = new Map<number, string>();
        for (const line of readFileSync(marks, "utf8").split("\n")) {
          const [m, oid] = line.split(" ");
          if (m && oid) oids.set(Number(m.slice(1)), oid);
        }
        return oids;
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
    },
    abort() {
      child.kill();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
