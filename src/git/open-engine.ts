import type { GitEngine } from "./engine.js";
import { UsageError } from "../errors.js";
import { hasGitBinary } from "./run-git.js";
import { createNativeEngine } from "./native/engine.js";

export type EngineName = "native" | "isomorphic" | "auto";

/** Native when a git binary exists (about 10x faster), isomorphic-git otherwise or on request. */
export async function openEngine(dir: string, name: EngineName = "auto", env: NodeJS.ProcessEnv = process.env): Promise<GitEngine> {
  const useNative = name === "native" || (name === "auto" && hasGitBinary(env));
  if (useNative) {
    if (!hasGitBinary(env)) throw new UsageError("--engine native needs a git binary on PATH");
    return createNativeEngine(dir, env);
  }
  const { createIsomorphicEngine } = await import("./isomorphic/engine.js");
  return createIsomorphicEngine(dir);
}
