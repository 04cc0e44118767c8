/**
 * A command agent's `retry-after: <ISO-8601 time or seconds>` line on stderr (SPEC 8), as a Date.
 * The last such line wins; an unreadable value counts as absent (the caller backs off).
 */
export function parseRetryAfter(stderr: string, now: Date): Date | undefined {
  const lines = [...stderr.matchAll(/^\s*retry-after:\s*(.+?)\s*$/gim)];
  const value = lines.at(-1)?.[1];
  if (value === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) {
    // Seconds so many that the time is past what a Date holds: a reset "never", which the loop clamps to a year.
    const date = new Date(now.getTime() + Number(value) * 1000);
    return Number.isNaN(date.getTime()) ? new Date(8.64e15) : date;
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
