import { hour24, monthNumber, wallClockToDate } from '../limits/wall-clock.js';

/**
 * Codex's reset time, from `…or try again at 7:34 AM.` (the next such time) or
 * `…try again at Nov 24th, 2026 5:34 AM.`. Codex prints its own local time, so `timeZone` is the
 * TZ the codex process ran with (undefined: ccx's own). Undefined for `Try again later.`
 */
export function parseCodexResetTime(text: string, now: Date, timeZone?: string): Date | undefined {
  const match = /try again at\s+(?:([A-Z][a-z]{2,8})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(?:(\d{4}),?\s+)?)?(\d{1,2}):(\d{2})\s*([AP]M)\b/i.exec(text);
  if (match === null) return undefined;
  const [, monthName, day, year, hour, minute, meridiem] = match;
  const month = monthName === undefined ? undefined : monthNumber(monthName);
  if (monthName !== undefined && month === undefined) return undefined;
  return wallClockToDate(
    {
      hour: hour24(Number(hour), meridiem ?? 'AM'),
      minute: Number(minute),
      month,
      day: day === undefined ? undefined : Number(day),
      year: year === undefined ? undefined : Number(year),
    },
    timeZone,
    now,
  );
}
