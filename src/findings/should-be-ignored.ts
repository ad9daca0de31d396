import { isDotenvPath } from "../detectors/index.js";

/**
 * Whether a finding's file is one that a fix stops tracking and adds to `.gitignore` (a
 * dotenv file: ADVICE.dotenv's fix), decided by the path alone, as the dotenv rule decides
 * it: a key in `web/.env` qualifies whatever its rule and vector. Endings ask it here, not
 * of detectors/ (src/architecture.ts).
 */
export function shouldBeIgnored(path: string): boolean {
  return isDotenvPath(path);
}
