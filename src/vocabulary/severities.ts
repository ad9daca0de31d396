// Severities, worst first. The one spelling of their order: every ranking, threshold and
// "by severity" listing is derived from this tuple, and so are the type and the zod enums.

export const SEVERITIES = ["critical", "high", "medium", "low"] as const;

export type Severity = (typeof SEVERITIES)[number];

/** 0 for `critical`, growing as severity falls: sort ascending to put the worst first. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/** Whether `s` is `min` or worse: the test behind every `--fail-on`, `fail_on` and `blockSeverity`. */
export function severityAtLeast(s: Severity, min: Severity): boolean {
  return severityRank(s) <= severityRank(min);
}

/** The severities at or below `max`, worst first, as a non-empty tuple (what `z.enum` takes). */
export function severitiesUpTo(max: Severity): readonly [Severity, ...Severity[]] {
  return [max, ...SEVERITIES.slice(severityRank(max) + 1)];
}
