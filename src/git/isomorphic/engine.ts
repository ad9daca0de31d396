import type { GitEngine } from "../engine.js";
import { UsageError } from "../../errors.js";

// Placeholder until the isomorphic-git engine lands: it refuses plainly rather than pretending.
export function createIsomorphicEngine(_dir: string): GitEngine {
  throw new UsageError("the isomorphic engine is not available in this build");
}
