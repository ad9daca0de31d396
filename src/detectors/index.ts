import type { Detector } from "./types.js";
import { detectDotenvFile } from "./dotenv-file.js";
import { detectStripeKeys } from "./stripe-keys.js";

export const DETECTORS: readonly Detector[] = [detectStripeKeys, detectDotenvFile];

export { detectDotenvFile, detectStripeKeys };
export { isDotenvPath, isDotenvTemplate } from "./dotenv-path.js";
export { mayHoldStripeKey, STRIPE_KEY_PATTERN, STRIPE_MARKER_BYTES, STRIPE_KEY_PCRE } from "./stripe-keys.js";
export { fileFacts, vectorOf } from "./vector.js";
export type { FileFacts } from "./vector.js";
export * from "./types.js";
