/**
 * Turns a wall-clock time the CLIs print ("7:33am", "Nov 24, 5:33am", "Nov 24th, 2026 5:34 AM")
 * into a Date, in a named IANA time zone or the local one.
 */
export interface WallClock {
  hour: number; // 0-23
  minute: number;
  /** 1-12; with `day` when the CLI printed a date. */
  month?: number;
  day?: number;
  year?: number;
}

/** A time-only reset that is this much in the past is taken as just passed, not as tomorrow's. */
const JUST_PASSED_MS = 10 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export function monthNumber(name: string): number | undefined {
  const index = MONTHS.indexOf(name.slice(0, 3).toLowerCase());
  return index === -1 ? undefined : index + 1;
}

/** 12-hour clock to 0-23. */
export function hour24(hour: number, meridiem: string): number {
  const pm = meridiem.toLowerCase() === 'pm';
  return (hour % 12) + (pm ? 12 : 0);
}

/**
 * Without a date the time is its next occurrence (both CLIs print the date only when the reset is
 * not within the next day); without a year, the year that puts the date nearest to `now`.
 */
export function wallClockToDate(clock: WallClock, timeZone: string | undefined, now: Date): Date | undefined {
  const zone = validZone(timeZone);
  const today = partsIn(now, zone);
  if (clock.month === undefined || clock.day === undefined) {
    let candidate = fromParts({ ...today, hour: clock.hour, minute: clock.minute }, zone);
    if (candidate.getTime() < now.getTime() - JUST_PASSED_MS) {
      const tomorrow = partsIn(new Date(candidate.getTime() + DAY_MS), zone);
      candidate = fromParts({ ...tomorrow, hour: clock.hour, minute: clock.minute }, zone);
    }
    return candidate;
  }
  const years = clock.year !== undefined ? [clock.year] : [today.year - 1, today.year, today.year + 1];
  const candidates = years.map((year) => fromParts({ year, month: clock.month ?? 1, day: clock.day ?? 1, hour: clock.hour, minute: clock.minute }, zone));
  candidates.sort((a, b) => Math.abs(a.getTime() - now.getTime()) - Math.abs(b.getTime() - now.getTime()));
  return candidates[0];
}

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

function validZone(timeZone: string | undefined): string | undefined {
  if (timeZone === undefined || timeZone.trim() === '') return undefined;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return timeZone;
  } catch {
    return undefined; // not an IANA name: read the time as local
  }
}

function partsIn(date: Date, zone: string | undefined): Parts {
  if (zone === undefined) {
    return { year: date.getFullYear(), month: date.getMonth() + 1, day: date.getDate(), hour: date.getHours(), minute: date.getMinutes() };
  }
  const format = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' });
  const get = (type: string) => Number(format.formatToParts(date).find((part) => part.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day'), hour: get('hour'), minute: get('minute') };
}

/** The instant whose wall clock in `zone` reads `parts` (DST gaps resolve forward). */
function fromParts(parts: Parts, zone: string | undefined): Date {
  if (zone === undefined) return new Date(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute);
  const asUtc = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour, parts.minute);
  let guess = asUtc;
  for (let i = 0; i < 3; i++) {
    const seen = partsIn(new Date(guess), zone);
    const seenUtc = Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute);
    if (seenUtc === asUtc) break;
    guess += asUtc - seenUtc;
  }
  return new Date(guess);
}
