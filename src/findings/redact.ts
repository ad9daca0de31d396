/** `sk_live_…wxyz`: the prefix says what it is, the last four let an owner find it in the Dashboard. */
export function redact(secret: string): string {
  const prefix = secret.slice(0, secret.indexOf("_", 3) + 1);
  return `${prefix}…${secret.slice(-4)}`;
}

const ANY_KEY = /(?<![A-Za-z0-9])[sr]k_(?:live|test)_[A-Za-z0-9]{8,}/g;

/** Last line of defence for free text (error messages, git stderr): no key survives it. */
export function redactAll(text: string): string {
  return text.replace(ANY_KEY, (k) => redact(k));
}
