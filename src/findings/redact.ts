/** `sk_live_…wxyz`: the prefix says what it is, the last four let an owner find it in the Dashboard. */
export function redact(secret: string): string {
  const prefix = secret.slice(0, secret.indexOf("_", 3) + 1);
  return `${prefix}…${secret.slice(-4)}`;
}
