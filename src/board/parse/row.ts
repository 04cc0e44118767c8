import type { Document, Node } from 'yaml';
import {
  DEFAULT_LOOPS,
  DEFAULT_MAX_CYCLES,
  DEFAULT_MIN_CONFIDENCE,
  DEFAULT_MIN_SEVERITY,
  DEFAULT_MODE,
  MODEL_START_AUTO,
  DEFAULT_PRIORITY,
  LEGACY_RUNNING_STATUSES,
  MAX_CYCLES_LIMIT,
  MAX_LOOPS,
  MAX_TITLE_CHARS,
  MODES,
  PRIORITIES,
  SEVERITIES,
  TASK_STATUSES,
  WORKER_MODES,
  type LoopMode,
  type Scope,
  type TaskRow,
  type TaskStatus,
} from '../types.js';
import { RowFields, TASK_ID_PATTERN, describe, isTaskId, shapeOfMap, tooLargeId, type RowShape } from './row-fields.js';
import { yamlModule as yaml } from '../../text/yaml-module.js';
import { MAX_ALIAS_COUNT, type LocalProblem } from './yaml-block.js';

export interface RowReading {
  /** The row with defaults applied (its position filled in by the parser), or null when it has problems. */
  row: TaskRow | null;
  /** The row's id when it has a well-formed one (even if the row has other problems). */
  id: string | null;
  idOffset: number;
  start: number;
  /** The ids it depends on, read even when the row has other problems (for cycle checks). */
  dependsOn: string[];
  dependsOnOffset: number;
  /** Where scope's value is written (its key when it has none, the row's start when it is absent). */
  scopeOffset: number;
  problems: LocalProblem[];
}

const STATUS_WORDS = [...TASK_STATUSES, ...LEGACY_RUNNING_STATUSES];

/** Reads and checks one row of the Tasks list (SPEC 3). */
export function readRow(item: Node, index: number, doc: Document): RowReading {
  const start = item.range?.[0] ?? 0;
  if (!yaml().isMap(item)) {
    return {
      row: null,
      id: null,
      idOffset: start,
      start,
      dependsOn: [],
      dependsOnOffset: start,
      scopeOffset: start,
      problems: [{ offset: start, message: `row ${index + 1}: a row must be a mapping of fields (\`- id: T-<n>\` then \`title: …\`), but it is ${describe(item.toJS(doc))}.` }],
    };
  }
  return readRowFields(shapeOfMap(item), item.toJS(doc, { maxAliasCount: MAX_ALIAS_COUNT }) as Record<string, unknown>, index);
}

/** Reads and checks one row given as plain values and where each field is written. */
export function readRowFields(shape: RowShape, values: Record<string, unknown>, index: number): RowReading {
  const start = shape.start;
  const rawId = values['id'];
  const wellFormed = typeof rawId === 'string' && TASK_ID_PATTERN.test(rawId);
  const id = wellFormed && isTaskId(rawId) ? rawId : null;
  const fields = new RowFields(shape, values, id ?? `row ${index + 1}`);
  if (rawId === undefined || rawId === null || rawId === '') fields.fail('id', 'id is missing; every row needs one, of the form T-<n> (T-1, T-2, …).');
  else if (wellFormed) {
    if (id === null) fields.fail('id', `id ${tooLargeId(rawId)}; renumber the row (ids of new rows go on from the highest one).`);
  } else fields.fail('id', `id must have the form T-<n> (T-1, T-2, …), but it is ${describe(rawId)}.`);

  const title = fields.text('title', { required: true, oneLine: true, maxChars: MAX_TITLE_CHARS });
  const status = readStatus(fields);
  const scope = readScope(fields);
  const mode = readMode(fields);
  const loops = fields.integer('loops', 1, MAX_LOOPS, DEFAULT_LOOPS);
  if (mode === 'duet' && loops < 2) fields.fail('loops', `mode duet needs loops: 2 or more (two different reviewers must approve in turn), but loops is ${loops}.`);
  const row: TaskRow = {
    id: id ?? '',
    number: id === null ? 0 : Number(id.slice(2)),
    title: title ?? '',
    scope,
    status: status.status,
    statusAsWritten: status.written,
    priority: fields.choice('priority', PRIORITIES, DEFAULT_PRIORITY),
    dependsOn: readDependsOn(fields),
    brief: fields.text('brief', { oneLine: true }),
    mode,
    loops,
    maxCycles: fields.integer('max_cycles', 1, MAX_CYCLES_LIMIT, DEFAULT_MAX_CYCLES),
    minSeverity: fields.choice('min_severity', SEVERITIES, DEFAULT_MIN_SEVERITY),
    minConfidence: fields.decimal('min_confidence', 0, 1, DEFAULT_MIN_CONFIDENCE) ?? DEFAULT_MIN_CONFIDENCE,
    modelStart: readModelStart(fields),
    maxCostUsd: fields.decimal('max_cost_usd', 0, Number.MAX_SAFE_INTEGER, null, true),
    codexFirst: fields.flag('codex_first', false),
    attempts: fields.integer('attempts', 0, Number.MAX_SAFE_INTEGER, 0),
    worktree: fields.note('worktree'),
    branch: fields.note('branch'),
    workerPid: nullableInteger(fields, 'worker_pid'),
    startedAt: fields.note('started_at'),
    finishedAt: fields.note('finished_at'),
    exitStatus: fields.note('exit_status'),
    commit: fields.note('commit'),
    error: fields.note('error'),
    notes: fields.note('notes'),
    position: { line: 0, column: 0 },
    fields: values,
  };
  fields.rejectUnknownKeys();
  const problems = fields.problems;
  return {
    row: problems.length === 0 ? row : null,
    id,
    idOffset: fields.offsetOf('id'),
    start,
    dependsOn: row.dependsOn,
    dependsOnOffset: fields.offsetOf('depends_on'),
    scopeOffset: fields.offsetOf('scope'),
    problems,
  };
}

function readStatus(fields: RowFields): { status: TaskStatus; written: string } {
  const value = fields.raw('status');
  if (value === undefined || value === null || value === '') {
    fields.fail('status', 'status is missing; write `status: draft` while you are still writing the task, `status: pending` when it is ready.');
    return { status: 'draft', written: '' };
  }
  if (typeof value !== 'string' || !(STATUS_WORDS as readonly string[]).includes(value)) {
    fields.fail('status', `status must be one of ${TASK_STATUSES.join(', ')}, but it is ${describe(value)}.`);
    return { status: 'draft', written: String(value) };
  }
  const status = (LEGACY_RUNNING_STATUSES as readonly string[]).includes(value) ? 'running' : (value as TaskStatus);
  return { status, written: value };
}

/**
 * `mode`, or ccx-loop's `worker_mode` (null: its default worker, which is ccx's loop or forever).
 * Both written and saying different things is a problem: ccx cannot know which one the person meant.
 */
function readMode(fields: RowFields): LoopMode {
  const mode = fields.choice('mode', MODES, DEFAULT_MODE);
  if (!Object.hasOwn(fields.values, 'worker_mode')) return mode;
  const worker = fields.raw('worker_mode');
  if (worker !== null && !(WORKER_MODES as readonly unknown[]).includes(worker)) {
    fields.fail('worker_mode', `worker_mode must be null, ${WORKER_MODES.join(' or ')} (ccx-loop's worker modes), but it is ${describe(worker)}.`);
    return mode;
  }
  if (!fields.has('mode')) return worker === null ? DEFAULT_MODE : (worker as LoopMode);
  const agrees = worker === null ? mode === 'loop' || mode === 'forever' : worker === mode;
  if (!agrees) {
    const meant = worker === null ? 'null (a single implementer: loop or forever)' : String(worker);
    fields.fail('worker_mode', `worker_mode says ${meant} but mode says ${mode}; keep one of them (ccx reads worker_mode as mode).`);
  }
  return mode;
}

/** The starting rung; null (absent or `auto`) is the ladder's default_start. */
function readModelStart(fields: RowFields): string | null {
  const alias = fields.text('model_start', { oneLine: true });
  return alias === null || alias === MODEL_START_AUTO ? null : alias;
}

function readScope(fields: RowFields): Scope {
  const value = fields.raw('scope');
  if (value === undefined || value === null) return { include: [], exclude: [] };
  let scope: Scope;
  if (typeof value === 'string' || Array.isArray(value)) {
    scope = { include: fields.strings('scope', value), exclude: [] };
  } else if (typeof value === 'object') {
    const map = value as Record<string, unknown>;
    for (const key of Object.keys(map)) {
      if (key !== 'include' && key !== 'exclude') fields.fail('scope', `scope takes include and exclude, but it has ${JSON.stringify(key)}.`);
    }
    scope = { include: fields.strings('scope.include', map['include']), exclude: fields.strings('scope.exclude', map['exclude']) };
  } else {
    fields.fail('scope', `scope must be a mapping with include and exclude lists of git pathspecs, but it is ${describe(value)}.`);
    return { include: [], exclude: [] };
  }
  checkGlobs(fields, 'include', scope.include);
  checkGlobs(fields, 'exclude', scope.exclude);
  return scope;
}

function checkGlobs(fields: RowFields, list: 'include' | 'exclude', globs: readonly string[]): void {
  for (let position = 0; position < globs.length; position += 1) {
    const glob = globs[position] as string;
    if (glob.trim() === '') fields.fail('scope', `scope.${list} entry ${position + 1} is empty; a pathspec names at least one character.`);
    else if (glob.includes('\0')) fields.fail('scope', `scope.${list} entry ${position + 1} contains a NUL character, which no path can hold.`);
    else if (/[\r\n]/.test(glob)) fields.fail('scope', `scope.${list} entry ${position + 1} contains a line break; a pathspec must be one line.`);
  }
}

function readDependsOn(fields: RowFields): string[] {
  const ids = fields.strings('depends_on');
  for (const id of ids) {
    if (!TASK_ID_PATTERN.test(id)) fields.fail('depends_on', `depends_on must list task ids of the form T-<n>, but it has ${JSON.stringify(id)}.`);
    else if (!isTaskId(id)) fields.fail('depends_on', `depends_on names ${id}, which is past T-${Number.MAX_SAFE_INTEGER}, so no row can have it.`);
  }
  return ids.length < 2 ? ids.slice() : [...new Set(ids)];
}

function nullableInteger(fields: RowFields, key: string): number | null {
  return fields.has(key) ? fields.integer(key, 0, Number.MAX_SAFE_INTEGER, 0) : null;
}
