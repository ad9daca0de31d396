import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../errors.js";
import { gitText } from "../git/run-git.js";
import { writeFileAtomic } from "../util/write-file-atomic.js";

// Puts leakguard into a repository's hooks. The installed file is a few generated lines
// that exec node and the package's compiled CLI by the absolute paths found at install
// time: the pusher's environment (LEAKGUARD_NODE, LEAKGUARD_CLI, LEAKGUARD_HOOK_CONFIG)
// reaches hooks on a local push or through sshd AcceptEnv, so the hook never reads it
// (issue 8). It carries a marker, so installing again is safe and a foreign hook is
// recognised: refused by default, replaced with --force, run after leakguard with --chain.

export const HOOK_MARKER = "# leakguard-hook: installed by `leakguard hook install`";

/** Which git hook: the server's pre-receive, or a working clone's pre-commit / pre-push. */
export type HookKind = "pre-receive" | "pre-commit" | "pre-push";
export const HOOK_KINDS = ["pre-receive", "pre-commit", "pre-push"] as const satisfies readonly HookKind[];

/** Where --chain moves the hook that was there before. */
export function chainedName(kind: HookKind): string {
  return `${kind}.before-leakguard`;
}
export const CHAINED_NAME = chainedName("pre-receive");

/** The package's hooks/pre-receive (same depth from src/hook and dist/hook), for servers that link a file. */
export const PACKAGE_SHIM = fileURLToPath(new URL("../../hooks/pre-receive", import.meta.url));
/** The compiled CLI next to this module (dist/cli/main.js in the package). */
export const PACKAGE_CLI = fileURLToPath(new URL("../cli/main.js", import.meta.url));

/** The leakguard command each hook runs. pre-push gets the remote's name as its $1. */
const COMMAND: Record<HookKind, string> = {
  "pre-receive": "pre-receive",
  "pre-commit": "scan --staged --no-progress",
  "pre-push": 'scan --pushed "$1" --no-progress',
};

export interface InstallOptions {
  repo: string;
  /** Default pre-receive. */
  kind?: HookKind;
  force?: boolean;
  /** Keep an existing foreign hook and run it after leakguard accepts. */
  chain?: boolean;
  /** Gitea layout: install as hooks/pre-receive.d/leakguard, next to Gitea's own hook. */
  gitea?: boolean;
  /** The node binary the hook uses (default: the one running this install). */
  node?: string;
  /** The compiled CLI entry the hook runs (default: this package's dist/cli/main.js). */
  cli?: string;
  /** pre-receive only: a server-wide hook config baked into the hook (LEAKGUARD_HOOK_CONFIG is not read). */
  config?: string;
  /** Tests only: exec this script instead of node + CLI, to test the wrapper's plumbing. */
  shim?: string;
}

export interface InstallResult {
  hookPath: string;
  action: "installed" | "reinstalled" | "replaced" | "chained";
  /** The earlier hook, when kept (chained) or set aside (replaced). */
  previous: string | null;
}

export async function installHook(opts: InstallOptions): Promise<InstallResult> {
  const kind = opts.kind ?? "pre-receive";
  if (opts.gitea && kind !== "pre-receive") throw new UsageError("--gitea is for the pre-receive hook only");
  if (opts.config && kind !== "pre-receive") throw new UsageError("--config is for the pre-receive hook only");
  const repo = resolve(opts.repo);
  if (!existsSync(repo)) throw new UsageError(`no such repository: ${opts.repo}`);
  // --git-path follows core.hooksPath, so the hook lands where git will look for it.
  const hooksRel = await gitText(["rev-parse", "--git-path", "hooks"], { cwd: repo }).catch(() => {
    throw new UsageError(`not a git repository: ${opts.repo}`);
  });
  const hooksDir = resolve(repo, hooksRel.trim());
  const dir = opts.gitea ? join(hooksDir, "pre-receive.d") : hooksDir;
  const hookPath = join(dir, opts.gitea ? "leakguard" : kind);
  const chainedPath = join(dir, chainedName(kind));
  mkdirSync(dir, { recursive: true });

  const existing = existsSync(hookPath) ? readFileSync(hookPath, "utf8") : null;
  const ours = existing !== null && existing.includes(HOOK_MARKER);
  // Reinstalling over a chained install keeps the chain.
  const keepChain = ours && existsSync(chainedPath);

  let action: InstallResult["action"] = existing === null ? "installed" : "reinstalled";
  let previous: string | null = keepChain ? chainedPath : null;
  if (existing !== null && !ours && !opts.chain && !opts.force) {
    throw new UsageError(
      `${hookPath} already exists and is not leakguard's; use --chain to keep it (it runs after leakguard accepts) or --force to replace it`,
    );
  }
  // Checked before anything is moved: a hook that cannot start would reject every push.
  const run = opts.shim ? { shim: opts.shim } : { node: bakedPath(opts.node ?? process.execPath, "node"), cli: bakedPath(opts.cli ?? PACKAGE_CLI, "CLI") };
  const config = opts.config ? bakedPath(resolve(opts.config), "hook config") : null;
  if (existing !== null && !ours) {
    if (opts.chain) {
      if (existsSync(chainedPath)) throw new UsageError(`${chainedPath} already exists; move it away before chaining`);
      renameSync(hookPath, chainedPath);
      action = "chained";
      previous = chainedPath;
    } else {
      previous = `${hookPath}.replaced-by-leakguard`;
      renameSync(hookPath, previous);
      action = "replaced";
    }
  }

  const script = hookScript({ kind, ...run, config, chained: action === "chained" || keepChain ? chainedPath : null });
  // Write beside, then rename: git never runs a half-written hook.
  writeFileAtomic(hookPath, script, 0o755);
  return { hookPath, action, previous };
}

/** An existing file's absolute, symlink-free path: what the hook will exec on every run. */
function bakedPath(path: string, what: string): string {
  if (!isAbsolute(path)) throw new UsageError(`${what} path must be absolute: ${path}`);
  try {
    return realpathSync(path);
  } catch {
    throw new UsageError(`${what} not found: ${path} (build the package first: npm run build)`);
  }
}

/** Single-quotes a value for sh. */
function sq(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

export interface HookScriptParts {
  kind: HookKind;
  node?: string;
  cli?: string;
  shim?: string;
  config: string | null;
  chained: string | null;
}

export function hookScript(o: HookScriptParts): string {
  const command = o.shim
    ? `${sq(o.shim)} "$@"`
    : `${sq(o.node!)} ${sq(o.cli!)} ${COMMAND[o.kind]}${o.config ? ` --config ${sq(o.config)}` : ""}`;
  const lines = [
    "#!/bin/sh",
    HOOK_MARKER,
    `# Runs leakguard's ${o.kind} check; \`leakguard hook install --force\` rewrites this file.`,
    "# node and the CLI are fixed here at install time: the pusher's environment must not choose them.",
    "unset LEAKGUARD_NODE LEAKGUARD_CLI LEAKGUARD_HOOK_CONFIG",
  ];
  // git gives pre-receive and pre-push their refs on stdin; pre-commit's stdin is not git's to give.
  const readsStdin = o.kind !== "pre-commit";
  if (o.chained && readsStdin) {
    lines.push(
      "# Both hooks need the ref updates, so stdin is read once and given to each.",
      "input=$(cat)",
      `printf '%s\\n' "$input" | ${command} || exit $?`,
      `if [ -x ${sq(o.chained)} ]; then printf '%s\\n' "$input" | ${sq(o.chained)} "$@"; fi`,
    );
  } else if (o.chained) {
    lines.push(`${command} || exit $?`, `if [ -x ${sq(o.chained)} ]; then exec ${sq(o.chained)} "$@"; fi`);
  } else {
    lines.push(`exec ${command}`);
  }
  return lines.join("\n") + "\n";
}
