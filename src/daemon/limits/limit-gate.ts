import { clampReset, sleepUntil } from '../../loop/index.js';

/** How long an agent pauses when its limit message gave no reset time: doubling from 1 minute to 30. */
export const LIMIT_BACKOFF_START_MS = 60_000;
export const LIMIT_BACKOFF_MAX_MS = 30 * 60_000;
/** A limit this long after the previous one starts the backoff over. */
const BACKOFF_RESET_MS = 60 * 60_000;

export interface LimitEvents {
  paused(agent: string, until: Date, message: string): void;
  resumed(agent: string): void;
}

interface Pause {
  until: Date;
  backoffMs: number;
  lastAt: number;
}

/**
 * Usage limits are per account, so one pause per agent type holds across every repository: the
 * turn that hit it waits until the reset, and no new task that needs that agent is dispatched
 * meanwhile (SPEC 8). No attempt is spent.
 */
export class LimitGate {
  private readonly pauses = new Map<string, Pause>();

  constructor(
    private readonly events: LimitEvents,
    private readonly now: () => number = Date.now,
  ) {}

  /** Agents paused now, and until when. */
  paused(): Map<string, Date> {
    const now = this.now();
    return new Map([...this.pauses].filter(([, pause]) => pause.until.getTime() > now).map(([agent, pause]) => [agent, pause.until]));
  }

  /** Waits out a limit of `agent` (until `resetAt`, else a backoff); rejects when `signal` aborts. */
  async wait(agent: string, resetAt: Date | null, message: string, signal: AbortSignal): Promise<void> {
    const until = this.pause(agent, resetAt, message);
    // A timer may fire a millisecond early by the wall clock: sleep until the reset has really passed.
    while (this.now() < until.getTime()) await sleepUntil(until, signal, this.now);
    const pause = this.pauses.get(agent);
    if (pause !== undefined && pause.until.getTime() <= this.now()) {
      this.events.resumed(agent);
      pause.until = new Date(0);
    }
  }

  private pause(agent: string, resetAt: Date | null, message: string): Date {
    const now = this.now();
    const previous = this.pauses.get(agent);
    const fresh = previous === undefined || now - previous.lastAt > BACKOFF_RESET_MS;
    const backoffMs = fresh ? LIMIT_BACKOFF_START_MS : Math.min(previous.backoffMs * 2, LIMIT_BACKOFF_MAX_MS);
    // A reset up to a year away is waited out (timers chained: sleepUntil); further is clamped to a year.
    const wanted = resetAt !== null && resetAt.getTime() > now ? clampReset(resetAt, new Date(now)).until : new Date(now + (resetAt === null ? backoffMs : 1_000));
    // Several turns may hit one limit: they all wait for the latest reset any of them heard of.
    const until = previous !== undefined && previous.until.getTime() > wanted.getTime() ? previous.until : wanted;
    const alreadyPaused = previous !== undefined && previous.until.getTime() > now;
    this.pauses.set(agent, { until, backoffMs: resetAt === null ? backoffMs : (previous?.backoffMs ?? LIMIT_BACKOFF_START_MS), lastAt: now });
    if (!alreadyPaused || until.getTime() !== previous.until.getTime()) this.events.paused(agent, until, message);
    return until;
  }
}
