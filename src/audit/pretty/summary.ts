import type { AuditRecord } from '../reader.js';
import { SEVERITIES } from '../schema.js';
import { bytes, duration, localMoment, plural, shortSha, tokens, usd } from './units.js';

const PREVIEW_ITEMS = 3;

type Summarise = (record: Fields, time: Date) => (string | null)[];
type Fields = Readonly<Record<string, unknown>>;

const str = (record: Fields, key: string): string | null => (typeof record[key] === 'string' ? (record[key] as string) : null);
const num = (record: Fields, key: string): number | null => (typeof record[key] === 'number' ? (record[key] as number) : null);
const list = (record: Fields, key: string): string[] => (Array.isArray(record[key]) ? (record[key] as unknown[]).map(String) : []);
const when = (value: unknown, text: string): string | null => (value === null || value === undefined || value === false ? null : text);

/** The writer's last list item when it cut a list (record.ts). */
const MORE = /^… and (\d+) more$/;

function listCount(items: string[]): number {
  const marker = MORE.exec(items.at(-1) ?? '');
  return marker === null ? items.length : items.length - 1 + Number(marker[1]);
}

/** At most PREVIEW_ITEMS of a list, and how many more there are. */
function preview(items: string[]): string {
  const shown = (MORE.test(items.at(-1) ?? '') ? items.slice(0, -1) : items).slice(0, PREVIEW_ITEMS);
  const more = listCount(items) - shown.length;
  return `${shown.join(', ')}${more > 0 ? ` (+${more} more)` : ''}`;
}

function firstOf(items: string[], total: number | null): string | null {
  if (items.length === 0) return null;
  const more = (total ?? items.length) - 1;
  return more > 0 ? `${items[0]} (+${more} more)` : (items[0] ?? null);
}

function agentModel(record: Fields): string {
  const model = [str(record, 'model'), str(record, 'effort')].filter((part) => part !== null && part !== '').join('/');
  return `${str(record, 'agent') ?? '?'}${model === '' ? '' : ` ${model}`}`;
}

function severityCounts(record: Fields): string {
  const counts = record['counts'];
  if (typeof counts !== 'object' || counts === null) return 'no counts';
  const parts = SEVERITIES.map((severity) => [severity, (counts as Record<string, unknown>)[severity]] as const)
    .filter(([, count]) => typeof count === 'number' && count > 0)
    .map(([severity, count]) => `${String(count)} ${severity}`);
  return parts.length === 0 ? 'no findings' : parts.join(', ');
}

/** Per event: the parts of its one-line summary, most telling first; nulls are left out. */
const SUMMARIES: Readonly<Record<string, Summarise>> = {
  'daemon.started': (r) => [when(r['pid'], `pid ${String(r['pid'])}`), when(r['version'], `ccx ${String(r['version'])}`), when(r['node'], `node ${String(r['node'])}`), when(r['repos'], plural(num(r, 'repos') ?? 0, 'repository', 'repositories'))],
  'daemon.stopping': (r) => [str(r, 'signal'), `${plural(num(r, 'running') ?? 0, 'task')} running`, when(r['grace_ms'], `grace ${duration(num(r, 'grace_ms') ?? 0)}`)],
  'daemon.stopped': (r) => [str(r, 'reason'), when(r['stopped_turns'], `${plural(num(r, 'stopped_turns') ?? 0, 'turn')} stopped`)],
  'board.invalid': (r) => [plural(num(r, 'problems') ?? 0, 'problem'), firstOf(list(r, 'messages'), num(r, 'problems'))],
  'board.valid': (r) => [plural(num(r, 'rows') ?? 0, 'row'), when(num(r, 'skipped') || null, `${String(r['skipped'])} skipped`)],
  'board.written': (r) => [`${str(r, 'from') === null ? '' : `${str(r, 'from') ?? ''} → `}${str(r, 'status') ?? '?'}`, when(list(r, 'fields').length || null, `(${preview(list(r, 'fields'))})`)],
  'config.invalid': (r) => [plural(num(r, 'problems') ?? 0, 'problem'), firstOf(list(r, 'messages'), num(r, 'problems')), 'the last good config stays in force'],
  'config.valid': () => ['config.yaml loaded'],
  'inbox.accepted': (r) => [str(r, 'file')],
  'inbox.rejected': (r) => [str(r, 'file'), str(r, 'reason')],
  'task.dispatched': (r) => [str(r, 'branch'), when(r['tier'], `tier ${String(r['tier'])}`), when(r['mode'], `mode ${String(r['mode'])}`)],
  'turn.started': (r) => [`${str(r, 'phase') ?? '?'}: ${str(r, 'role') ?? '?'} ${agentModel(r)}`],
  'turn.finished': (r) => [
    `${str(r, 'phase') === null ? '' : `${str(r, 'phase') ?? ''}: `}${str(r, 'role') ?? '?'} ${agentModel(r)} → ${str(r, 'outcome') ?? '?'}`,
    r['exit_code'] === null ? when(r['signal'], `killed by ${String(r['signal'])}`) : when(r['exit_code'] !== undefined, `exit ${String(r['exit_code'])}`),
    when(r['duration_ms'], duration(num(r, 'duration_ms') ?? 0)),
    when(r['prompt_bytes'] !== undefined, `prompt ${bytes(num(r, 'prompt_bytes') ?? 0)}`),
    when(r['output_bytes'] !== undefined, `output ${bytes(num(r, 'output_bytes') ?? 0)}`),
    when(r['input_tokens'], `${tokens(num(r, 'input_tokens') ?? 0)} in/${tokens(num(r, 'output_tokens') ?? 0)} out tokens`),
    when(r['cost_usd'], usd(num(r, 'cost_usd') ?? 0)),
    str(r, 'error'),
  ],
  'test.finished': (r) => [r['passed'] === true ? 'passed' : `FAILED${num(r, 'exit_code') === null ? '' : ` (exit ${String(r['exit_code'])})`}`, when(r['duration_ms'], duration(num(r, 'duration_ms') ?? 0)), r['passed'] === true ? null : str(r, 'log')],
  'review.verdict': (r) => [str(r, 'verdict'), severityCounts(r), when(num(r, 'skipped') || null, `${String(r['skipped'])} skipped`), when(r['open'] !== undefined && r['open'] !== null, `${String(r['open'])} open`)],
  'scope.violation': (r) => [`edited outside its scope: ${preview(list(r, 'paths'))}`],
  'task.stuck': (r) => [`${JSON.stringify(str(r, 'finding') ?? '')} in ${plural(num(r, 'reviews') ?? 0, 'review')} in a row`],
  'task.escalated': (r) => [`${str(r, 'from') ?? '?'} → ${str(r, 'to') ?? '?'}`, when(r['reason'], `(${String(r['reason'])})`)],
  'merge.checked': (r) => [r['clean'] === true ? 'clean' : `${plural(num(r, 'conflicts') ?? 0, 'conflict')}`, when(r['base'], `against ${shortSha(str(r, 'base') ?? '')}`)],
  'merge.done': (r) => [shortSha(str(r, 'sha') ?? '?'), when(r['branch'], `on ${String(r['branch'])}`)],
  'merge.conflict': (r) => [`${plural(listCount(list(r, 'files')), 'file')}: ${preview(list(r, 'files'))}`, r['resolve'] === true ? 'a resolve turn follows' : r['resolve'] === false ? 'blocked' : null],
  'merge.waiting': (r) => [str(r, 'branch'), str(r, 'reason'), when(list(r, 'files').length || null, preview(list(r, 'files')))],
  'task.finished': (r) => [`${str(r, 'status') ?? '?'} (${str(r, 'exit_status') ?? '?'})`, when(r['cycles'], plural(num(r, 'cycles') ?? 0, 'cycle')), when(r['commit'], shortSha(str(r, 'commit') ?? '')), when(r['cost_usd'], usd(num(r, 'cost_usd') ?? 0)), str(r, 'error')],
  'task.cancelled': (r) => [when(r['branch'], `branch ${String(r['branch'])} kept`), r['stopped'] === true ? 'worker stopped' : null],
  'limit.paused': (r, time) => [`${str(r, 'agent') ?? '?'} until ${localMoment(str(r, 'until') ?? '', time)}`, str(r, 'reason')],
  'limit.resumed': (r) => [str(r, 'agent')],
  'recovery.resumed': (r) => [`from ${str(r, 'phase') ?? '?'}`, `${plural(num(r, 'turns') ?? 0, 'turn')} done`],
  'recovery.failed': (r) => [str(r, 'reason')],
  'recovery.reaped': (r) => [`process group ${String(r['pgid'])}`, when(r['processes'], plural(num(r, 'processes') ?? 0, 'process', 'processes'))],
  'recovery.orphan': (r) => [`${str(r, 'kind') ?? '?'} ${str(r, 'path') ?? '?'}`, 'remove it with `ccx clean`'],
};

const COMMON = new Set(['time', 'event', 'repo', 'task', 'attempt', 'cycle']);

/** The compact text after the event name: known events read as a phrase, others as key=value. */
export function summarise(record: AuditRecord, time: Date): string {
  const summarise = SUMMARIES[record.event];
  const parts = summarise === undefined ? keyValues(record) : summarise(record, time);
  return parts.filter((part): part is string => part !== null && part !== '').join(' · ');
}

function keyValues(record: AuditRecord): string[] {
  return Object.entries(record)
    .filter(([key]) => !COMMON.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
}
