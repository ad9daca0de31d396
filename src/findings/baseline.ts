import { readFileSync } from "node:fs";
import { UsageError } from "../errors.js";
import { writeFileAtomic } from "../util/write-file-atomic.js";
import type { Finding } from "./finding.js";

// A baseline is a list of fingerprints a team has accepted (already rotated, or known
// test data) so that an old repository shows only new leaks. It holds no key material.

export interface Baseline {
  version: 1;
  fingerprints: string[];
}

/** Reads a baseline file, or a leakguard JSON report used as one. */
export function readBaseline(file: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new UsageError(`cannot read baseline file: ${file}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UsageError(`baseline file is not JSON: ${file}`);
  }
  const d = data as { fingerprints?: unknown; findings?: Array<{ fingerprint?: unknown }> };
  const list = Array.isArray(d.fingerprints) ? d.fingerprints : Array.isArray(d.findings) ? d.findings.map((f) => f.fingerprint) : null;
  if (!list || !list.every((f) => typeof f === "string" && /^[0-9a-f]{8,64}$/.test(f))) {
    throw new UsageError(`baseline file has no fingerprint list: ${file}`);
  }
  return new Set(list as string[]);
}

/** Writes atomically (temp file + rename) so an interrupted write leaves the old baseline. */
export function writeBaseline(file: string, findings: readonly Finding[], keep: ReadonlySet<string> = new Set()): number {
  const fingerprints = [...new Set([...keep, ...findings.map((f) => f.fingerprint)])].sort();
  writeFileAtomic(file, JSON.stringify({ version: 1, fingerprints } satisfies Baseline, null, 2) + "\n");
  return fingerprints.length;
}
