import { isMap, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import { unknownKeys } from '../config/config-file.js';
import { didYouMean } from '../text/did-you-mean.js';
import { LineIndex } from '../text/line-index.js';
import { DEFAULT_NOTIFY_EVENTS, NOTIFY_EVENTS, SINK_TYPES, WEBHOOK_FORMATS, type NotifyEvent, type SinkConfig, type SinkType, type WebhookFormat } from './types.js';

/** Reports a problem at a node (its line:column is worked out by the caller). */
export type NotifyFail = (node: Node | null | undefined, message: string) => void;

const SINK_KEYS: Readonly<Record<SinkType, readonly string[]>> = {
  command: ['type', 'name', 'events', 'argv'],
  webhook: ['type', 'name', 'events', 'url', 'format', 'headers'],
  desktop: ['type', 'name', 'events'],
};
const EXAMPLE = '{type: webhook, url: "https://ntfy.sh/my-topic", format: ntfy} or {type: command, argv: [notify-send, ccx, "{text}"]} or {type: desktop}';

/**
 * The `notify:` list of config.yaml or notify.yaml (SPEC 15): each entry checked, every problem
 * at the offending key or value, with a did-you-mean for a mistyped key, type, format or event.
 */
export function readNotifySinks(node: Node | null | undefined, doc: Document, fail: NotifyFail, where = 'notify'): SinkConfig[] {
  if (node === undefined || node === null || (isScalar(node) && node.value === null)) return [];
  if (!isSeq(node)) {
    fail(node, `${where} must be a list of sinks such as - ${EXAMPLE}.`);
    return [];
  }
  const sinks: SinkConfig[] = [];
  node.items.forEach((item, index) => {
    const sink = readSink(item as Node | null, doc, fail, `${where}[${index}]`);
    if (sink !== null) sinks.push(sink);
  });
  return sinks;
}

function readSink(node: Node | null, doc: Document, fail: NotifyFail, where: string): SinkConfig | null {
  if (!isMap(node)) {
    fail(node, `${where} must be a mapping such as ${EXAMPLE}.`);
    return null;
  }
  const value = (key: string): { node: Node | null | undefined; value: unknown } => {
    const pair = node.items.find((item) => isScalar(item.key) && String(item.key.value) === key);
    return { node: (pair?.value as Node | null | undefined) ?? (pair?.key as Node | undefined), value: (pair?.value as Node | null | undefined)?.toJS(doc) as unknown };
  };
  const type = value('type');
  if (!(SINK_TYPES as readonly unknown[]).includes(type.value)) {
    const guess = typeof type.value === 'string' ? didYouMean(type.value, SINK_TYPES) : null;
    fail(type.node ?? node, `${where}.type must be one of ${SINK_TYPES.join(', ')}, but it is ${JSON.stringify(type.value ?? null)}${guess === null ? '' : `; did you mean ${guess}?`}`);
    return null;
  }
  const sinkType = type.value as SinkType;
  unknownKeys(node, SINK_KEYS[sinkType], where, `a key a ${sinkType} sink takes`, fail);
  const events = readEvents(value('events'), where, fail);
  const name = value('name');
  if (name.value !== undefined && (typeof name.value !== 'string' || name.value.trim() === '')) fail(name.node, `${where}.name must be a short label such as team-slack.`);
  const label = (fallback: string) => (typeof name.value === 'string' && name.value.trim() !== '' ? name.value.trim() : fallback);
  if (sinkType === 'desktop') return { type: 'desktop', name: label('desktop'), events };
  if (sinkType === 'command') {
    const argv = value('argv');
    if (!Array.isArray(argv.value) || argv.value.length === 0 || !argv.value.every((part) => typeof part === 'string' && part !== '')) {
      fail(argv.node ?? node, `${where}.argv must be a list like [notify-send, ccx, "{text}"] (the program and its arguments; the event's JSON comes on stdin), but it is ${JSON.stringify(argv.value ?? null)}.`);
      return null;
    }
    return { type: 'command', name: label(`command ${String(argv.value[0])}`), events, argv: argv.value as string[] };
  }
  const url = value('url');
  const urlProblem = webhookUrlProblem(url.value);
  if (urlProblem !== null) fail(url.node ?? node, `${where}.url ${urlProblem}`);
  const format = value('format');
  const formatValue = format.value ?? 'json';
  if (!(WEBHOOK_FORMATS as readonly unknown[]).includes(formatValue)) {
    const guess = typeof formatValue === 'string' ? didYouMean(formatValue, WEBHOOK_FORMATS) : null;
    fail(format.node, `${where}.format must be one of ${WEBHOOK_FORMATS.join(', ')}, but it is ${JSON.stringify(formatValue)}${guess === null ? '' : `; did you mean ${guess}?`}`);
  }
  const headers = value('headers');
  const headersValue = headers.value ?? {};
  const headersOk = typeof headersValue === 'object' && headersValue !== null && !Array.isArray(headersValue) && Object.values(headersValue).every((header) => typeof header === 'string');
  if (!headersOk) fail(headers.node, `${where}.headers must be a mapping of header names to text, such as {Authorization: "Bearer \${NTFY_TOKEN}"}.`);
  if (urlProblem !== null || !headersOk || !(WEBHOOK_FORMATS as readonly unknown[]).includes(formatValue)) return null;
  const fmt = formatValue as WebhookFormat;
  return { type: 'webhook', name: label(`webhook ${fmt}`), events, url: url.value as string, format: fmt, headers: headersValue as Record<string, string> };
}

function readEvents(entry: { node: Node | null | undefined; value: unknown }, where: string, fail: NotifyFail): readonly NotifyEvent[] {
  if (entry.value === undefined || entry.value === null) return DEFAULT_NOTIFY_EVENTS;
  if (!Array.isArray(entry.value) || entry.value.length === 0) {
    fail(entry.node, `${where}.events must be a list of events such as [question, blocked, failed] (${NOTIFY_EVENTS.join(', ')}), or left out for ${DEFAULT_NOTIFY_EVENTS.join(', ')}.`);
    return DEFAULT_NOTIFY_EVENTS;
  }
  const events: NotifyEvent[] = [];
  const items = isSeq(entry.node) ? entry.node.items : [];
  entry.value.forEach((event: unknown, index) => {
    if ((NOTIFY_EVENTS as readonly unknown[]).includes(event)) {
      events.push(event as NotifyEvent);
      return;
    }
    const guess = typeof event === 'string' ? didYouMean(event, NOTIFY_EVENTS) : null;
    fail((items[index] as Node | undefined) ?? entry.node, `${where}.events has ${JSON.stringify(event)}, which is not an event${guess === null ? '' : `; did you mean ${guess}?`} (events: ${NOTIFY_EVENTS.join(', ')}).`);
  });
  return events;
}

/** What is wrong with a webhook URL, or null. `${VAR}` parts are filled from the environment when sending. */
function webhookUrlProblem(url: unknown): string | null {
  if (typeof url !== 'string' || url.trim() === '') return 'must be the webhook\'s address, such as https://hooks.slack.com/services/… or https://ntfy.sh/my-topic.';
  if (!/^https?:\/\//i.test(url)) return `must start with https:// (or http://), but it starts ${JSON.stringify(url.slice(0, 8))}.`;
  if (url.includes('${')) return null;
  try {
    new URL(url);
    return null;
  } catch {
    return 'is not a valid address (check it for spaces or a missing host).';
  }
}

export interface NotifyFileProblem {
  line: number;
  column: number;
  message: string;
}

/** The data root's notify.yaml: `notify: [...]` (as in config.yaml) or the bare list. */
export function parseNotifyFile(text: string): { sinks: SinkConfig[] } | { problems: NotifyFileProblem[] } {
  const lines = new LineIndex(text);
  const problems: NotifyFileProblem[] = [];
  const doc = parseDocument(text, { prettyErrors: false });
  const fail: NotifyFail = (node, message) => problems.push({ ...lines.position(node?.range?.[0] ?? 0), message });
  for (const error of doc.errors) problems.push({ ...lines.position(error.pos[0]), message: `notify.yaml does not parse: ${error.message.split('\n')[0]}` });
  if (problems.length > 0) return { problems };
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return { sinks: [] };
  let list: Node | null | undefined = root;
  if (isMap(root)) {
    unknownKeys(root, ['notify'], '', 'a notify.yaml setting', fail);
    list = root.items.find((item) => isScalar(item.key) && item.key.value === 'notify')?.value as Node | null | undefined;
  }
  const sinks = readNotifySinks(list, doc, fail);
  return problems.length > 0 ? { problems: problems.sort((a, b) => a.line - b.line || a.column - b.column) } : { sinks };
}
