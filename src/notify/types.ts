/** What a sink can ask to hear about (SPEC 15). */
export const NOTIFY_EVENTS = ['question', 'answered', 'blocked', 'failed', 'merged', 'cancelled', 'limit.paused', 'limit.resumed', 'daemon.failed'] as const;
export type NotifyEvent = (typeof NOTIFY_EVENTS)[number];

/** A sink that names no `events:` hears these: what needs a person, and what they waited for. */
export const DEFAULT_NOTIFY_EVENTS: readonly NotifyEvent[] = ['question', 'blocked', 'failed', 'merged', 'limit.paused', 'daemon.failed'];

export const WEBHOOK_FORMATS = ['json', 'slack', 'discord', 'ntfy'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export const SINK_TYPES = ['command', 'webhook', 'desktop'] as const;
export type SinkType = (typeof SINK_TYPES)[number];

interface SinkCommon {
  /** A label for logs and `notify.failed` (default: the type, and the format of a webhook). */
  name: string;
  events: readonly NotifyEvent[];
}

/** One entry of a `notify:` list, checked and with defaults applied. Secrets stay in here, never in logs. */
export type SinkConfig =
  | (SinkCommon & { type: 'command'; argv: readonly string[] })
  | (SinkCommon & { type: 'webhook'; url: string; format: WebhookFormat; headers: Readonly<Record<string, string>> })
  | (SinkCommon & { type: 'desktop' });

/** One thing that happened, as every sink gets it (a command sink reads exactly this JSON on stdin). */
export interface Notification {
  event: NotifyEvent;
  /** The repository's path (empty for the daemon as a whole). */
  repo: string;
  task?: string;
  time: string;
  /** A short title: `ccx · <repo name>`. */
  title: string;
  /** One clear sentence: "T-12 blocked: tests failed 3 times — see BOARD.md". */
  text: string;
  /** The event's own facts (a question's options, a limit's end, a merge's commit). */
  details: Readonly<Record<string, string | readonly string[]>>;
}

/** Several notifications of one minute sent as one message. */
export interface Digest {
  event: 'digest';
  time: string;
  title: string;
  text: string;
  notifications: readonly Notification[];
}

export type Message = Notification | Digest;

/** What one try of one send came to. `retryAfterMs`: the sink asked to wait that long first. */
export type SendResult = { ok: true } | { ok: false; reason: string; retry: boolean; retryAfterMs?: number };
