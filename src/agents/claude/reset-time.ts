import { hour24, monthNumber, wallClockToDate } from '../limits/wall-clock.js';

/**
 * Claude's reset time, from the text of its usage-limit answer:
 * - `resets 7:33am (UTC)` / `resets 7am (Europe/Berlin)`: the next such time in that zone
 *   (claude prints a date only when the reset is more than a day away);
 * - `resets Nov 24, 5:33am (UTC)`, `resets Jan 2, 2027, 5am (UTC)`;
 * - the CLI 1.0 form `Claude AI usage limit reached|<epoch seconds>`.
 * Undefined when there is none (the caller backs off).
 */
export function parseClaudeResetTime(text: string, now: Date): Date | undefined {
  const old = /Claude AI usage limit reached\|(\d{9,})/.exec(text);
  if (old?.[1] !== undefined) return new Date(Number(old[1]) * 1000);
  const match = /\bresets\s+(?:([A-Z][a-z]{2,8})\.?\s+(\d{1,2}),\s+(?:(\d{4}),?\s+)?)?(\d{1,2})(?::(\d{2}))?\s*([ap]m)\b(?:\s*\(([^)]+)\))?/i.exec(text);
  if (match === null) return undefined;
  const [, monthName, day, year, hour, minute, meridiem, zone] = match;
  const month = monthName === undefined ? undefined : monthNumber(monthName);
  if (monthName !== undefined && month === undefined) return undefined;
  return wallClockToDate(
    {
      hour: hour24(Number(hour), meridiem ?? 'am'),
      minute: minute === undefined ? 0 : Number(minute),
      month,
      day: day === undefined ? undefined : Number(day),
      year: year === undefined ? undefined : Number(year),
    },
    zone,
    now,
  );
}

/** A `rate_limit_event` epoch in seconds, as a Date. */
export function epochSeconds(seconds: number | undefined): Date | undefined {
  return seconds === undefined || seconds <= 0 ? undefined : new Date(seconds * 1000);
}
