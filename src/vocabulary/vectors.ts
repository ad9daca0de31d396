/**
 * How the secret got where it is; drives the advice every ending gives
 * (findings/advice.ts holds one entry per vector).
 */
export const VECTORS = ["dotenv", "frontend-env", "laravel", "cms-config", "mobile-app", "bundle", "source"] as const;

export type Vector = (typeof VECTORS)[number];
