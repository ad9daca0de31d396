import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { UsageError } from "../errors.js";
import { gitText } from "../git/run-git.js";

// Puts leakguard into a repository's hooks. The installed file is a few generated lines
// that exec the package's own shim by absolute path, so upgrading the package upgrades
// the hook. It carries a marker, so installing again is safe and a foreign hook is
// recognised: refused by default, replaced with --force, run after leakguard with --chain.

export const HOOK_MARKER = "# leakguard-hook: installed by `leakguard hook install`";
/** Where --chain moves the hook that was there before. */
export const CHAINED_NAME = "pre-receive.before-leakguard";

/** The package's hooks/pre-receive (same depth from src/hook and dist/hook). */
export const PACKAGE_SHIM = fileURLToPath(new URL("../../hooks/pre-receive", import.meta.url));

export interface InstallOptions {
  repo: string;
  force?: boolean;
  /** Keep an existing foreign hook and run it after leakguard accepts. */
  chain?: boolean;
  /** Gitea layout: install as hooks/pre-receive.d/leakguard, next to Gitea's own hook. */
  gitea?: boolean;
  /** The shim to exec (default: this package's). */
  shim?: string;
  /** The node binary the hook uses (default: the one running this install). */
  node?: string;
  /** The compiled CLI entry to run instead of the shim's default (tests, unusual layouts). */
  cli?: string;
}

export interface InstallResult {
  hookPath: string;
  action: "installed" | "reinstalled" | "replaced" | "chained";
  /** The earlier hook, when kept (chained) or set aside (replaced). */
  previous: string | null;
}

export async function installHook(opts: InstallOptions): Promise<InstallResult> {
  const repo = resolve(opts.repo);
  if (!existsSync(repo)) throw new UsageError(`no such repository: ${opts.repo}`);
  const hooksRel = await gitText(["rev-parse", "--git-path", "hooks"], { cwd: repo }).catch(() => {
    throw new UsageError(`not a git repository: ${opts.repo}`);
  });
  const hooksDir = resolve(repo, hooksRel.trim());
  const dir = opts.gitea ? join(hooksDir, "pre-receive.d") : hooksDir;
  const hookPath = join(dir, opts.gitea ? "leakguard" : "pre-receive");
  const chainedPath = join(dir, CHAINED_NAME);
  mkdirSync(dir, { recursive: true });

  const existing = existsSync(hookPath) ? readFileSync(hookPath, "utf8") : null;
  const ours = existing !== null && existing.includes(HOOK_MARKER);
  // Reinstalling over a chained install keeps the chain.
  const keepChain = ours && existsSync(chainedPath);

  let action: InstallResult["action"] = existing === null ? "installed" : "reinstalled";
  let previous: string | null = keepChain ? chainedPath : null;
  if (existing !== null && !ours) {
    if (opts.chain) {
      if (existsSync(chainedPath)) throw new UsageError(`${chainedPath} already exists; move it away before chaining`);
      renameSync(hookPath, chainedPath);
      action = "chained";
      previous = chainedPath;
    } else if (opts.force) {
      previous = `${hookPath}.replaced-by-leakguard`;
      renameSync(hookPath, previous);
      action = "replaced";
    } else {
      throw new UsageError(
        `${hookPath} already exists and is not leakguard's; use --chain to keep it (it runs after leakguard accepts) or --force to replace it`,
      );
    }
  }

  const script = hookScript({
    shim: opts.shim ?? PACKAGE_SHIM,
    node: opts.node ?? process.execPath,
    cli: opts.cli ?? null,
    chained: action === "chained" || keepChain ? chainedPath : null,
  });
  // Write beside, then rename: git never runs a half-written hook.
  const tmp = `${hookPath}.leakguard-tmp-${process.pid}`;
  writeFileSync(tmp, script, { mode: 0o755 });
  chmodSync(tmp, 0o755);
  renameSync(tmp, hookPath);
  return { hookPath, action, previous };
}

/** Single-quotes a value for sh. */
function sq(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

export function hookScript(o: { shim: string; node: string; cli: string | null; chained: string | null }): string {
  if (!isAbsolute(o.shim)) throw new UsageError(`shim path must be absolute: ${o.shim}`);
  const lines = [
    "#!/bin/sh",
    HOOK_MARKER,
    "# Runs leakguard's pre-receive check; `leakguard hook install --force` rewrites this file.",
    `if [ -z "\${LEAKGUARD_NODE:-}" ]; then LEAKGUARD_NODE=${sq(o.node)}; fi`,
    "export LEAKGUARD_NODE",
  ];
  if (o.cli) lines.push(`if [ -z "\${LEAKGUARD_CLI:-}" ]; then LEAKGUARD_CLI=${sq(o.cli)}; fi`, "export LEAKGUARD_CLI");
  if (o.chained) {
    lines.push(
      "# Both hooks need the ref updates, so stdin is read once and given to each.",
      "input=$(cat)",
      `printf '%s\\n' "$input" | ${sq(o.shim)} "$@" || exit $?`,
      `if [ -x ${sq(o.chained)} ]; then printf '%s\\n' "$input" | ${sq(o.chained)} "$@"; fi`,
    );
  } else {
    lines.push(`exec ${sq(o.shim)} "$@"`);
  }
  return lines.join("\n") + "\n";
}
