import type { GitEngine } from "../git/engine.js";
import { detectDotenvFile, isDotenvTemplate } from "../detectors/index.js";

/**
 * Dotenv templates (`.env.example`, ...) that held a key in any version. Only those few
 * blobs are read: the stream filter handles everything else on its own, so a full scan
 * before the rewrite is not needed.
 */
export async function findKeyedTemplates(engine: GitEngine): Promise<Set<string>> {
  const pathsOf = new Map<string, Set<string>>(); // blob -> template paths holding it
  for await (const c of engine.walk({ all: true })) {
    for (const ch of c.changes) {
      if (!isDotenvTemplate(ch.path)) continue;
      const paths = pathsOf.get(ch.blob) ?? new Set<string>();
      paths.add(ch.path);
      pathsOf.set(ch.blob, paths);
    }
  }
  const keyed = new Set<string>();
  if (pathsOf.size === 0) return keyed;
  for await (const { oid, bytes } of engine.readBlobs(pathsOf.keys())) {
    for (const path of pathsOf.get(oid) ?? []) if (detectDotenvFile({ path, bytes }).length) keyed.add(path);
  }
  return keyed;
}
