// What must hold after any stop or race (issue 10), checked on a world once `ccx daemon --once`
// has returned: every task ended right and merged at most once, the board shows the journal's final
// status, every person flip SPEC 3 allows survived, every byte of the person's text is there, one
// task.finished per ended run, no workspace left for a merged task, no ccx leftovers, no agent alive.
import { lstat, readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { commentsOf, personMayChange, proseOf, rowsOf } from '../helpers/person.mjs';
import { git, processesWithEnv } from './world.mjs';

const { parseBoard } = await import(new URL('../../dist/board/parse/parser.js', import.meta.url).href);

const TERMINAL = new Set(['merged', 'blocked', 'failed', 'cancelled']);
const time = (value) => (typeof value === 'number' ? value : Date.parse(value));

export async function readJsonLines(path) {
  const text = await readFile(path, 'utf8').catch(() => '');
  const records = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      records.push(JSON.parse(line));
    } catch {
      // A line torn by a kill.
    }
  }
  return records;
}

/** Where a task's run journal says it stands (at `until`): none, running, pending (a retry), or the status its last `finished` gave. */
function journalState(records, until = Infinity) {
  let state = 'none';
  for (const record of records) {
    if (time(record.at) > until) break;
    if (record.type === 'dispatched') state = 'running';
    else if (record.type === 'finished') state = record.status;
    // A person's status on the finished task (blocked → cancelled, say), noted as the new intent.
    else if (record.type === 'board' && TERMINAL.has(state) && typeof record.fields?.status === 'string') state = record.fields.status;
    else if (record.type === 'retry') state = 'pending';
  }
  return state;
}


/**
 * Each deliberate person flip, judged against the task's truth when it landed: the journal's state,
 * or the person's own earlier allowed flip where that came later (a cancel the daemon has not acted
 * on yet is still the person's cancel). The board alone is not the truth: it may show a stale revert
 * ccx had not put right yet, or lag behind a transition ccx already made. An allowed flip then
 * survived (ccx acted on it), was lost (ccx put the old value back, or never acted), was overtaken
 * (the task had started merging, which nothing undoes) or superseded (the person changed the row
 * again before ccx could act).
 */
export function judgeFlips(intents, { audit, journals, saves = [] }) {
  const accepted = new Map();
  const allowed = [];
  for (const intent of intents.filter((candidate) => candidate.deliberate)) {
    const records = journals.get(intent.id) ?? [];
    const state = journalState(records, intent.savedAt);
    const stateAt = lastChangeAt(records, intent.savedAt);
    const mine = accepted.get(intent.id);
    const from = mine !== undefined && mine.at >= stateAt ? mine.to : state === 'none' ? intent.from : state;
    const legal = personMayChange(from, intent.to);
    allowed.push({ ...intent, shown: intent.from, from, legal });
    if (legal) accepted.set(intent.id, { at: intent.savedAt, to: intent.to });
  }
  const judged = [];
  for (const [index, intent] of allowed.entries()) {
    if (!intent.legal) continue;
    const next = allowed.slice(index + 1).find((later) => later.id === intent.id && later.legal);
    // The person's own stale buffer (read before this flip, saved after it) puts the old status back:
    // from then on the flip is theirs to make again, not ccx's to keep.
    const reverted = saves.find((save) => save.style === 'stale' && save.bufferAt < intent.savedAt && save.savedAt > intent.savedAt);
    const until = Math.min(next?.savedAt ?? Infinity, reverted?.savedAt ?? Infinity);
    const undone = next !== undefined || reverted !== undefined;
    const events = audit.filter((event) => event.task === intent.id && time(event.time) >= intent.savedAt);
    const records = journals.get(intent.id) ?? [];
    let verdict;
    let why;
    if (intent.to === 'pending') {
      // The task ran after the flip: a new dispatch, a resumed run, a turn or a merge.
      const ran = events.find((event) => RAN.has(event.event));
      verdict = ran !== undefined && time(ran.time) < until ? 'survived' : undone ? 'superseded' : 'lost';
    } else if (intent.to === 'cancelled') {
      // A merge that began (its first record) within MERGE_RACE_MS after the cancel landed is a race
      // nobody can win: overtaken. One that began later went on despite the cancel.
      const mergeBegan = [
        ...records.filter((record) => record.type === 'merging' || record.type === 'merged').map((record) => time(record.at)),
        ...audit.filter((event) => event.task === intent.id && (event.event === 'merge.checked' || event.event === 'merge.done')).map((event) => time(event.time)),
      ].filter((at) => at >= intent.savedAt - 60_000).sort((a, b) => a - b)[0];
      const cancelled = records.find((record) => record.type === 'finished' && record.status === 'cancelled' && time(record.at) >= intent.savedAt)
        ?? events.find((event) => event.event === 'task.finished' && event.status === 'cancelled');
      if (mergeBegan !== undefined && mergeBegan <= intent.savedAt + MERGE_RACE_MS) verdict = 'overtaken';
      else if (cancelled !== undefined && time(cancelled.at ?? cancelled.time) < until) verdict = 'survived';
      else verdict = undone ? 'superseded' : 'lost';
      if (verdict === 'lost' && mergeBegan !== undefined) why = `the task began merging ${mergeBegan - intent.savedAt} ms after the cancel landed`;
    } else {
      verdict = 'survived'; // pending → draft: nothing for ccx to do
    }
    judged.push({ ...intent, verdict, ...(why === undefined ? {} : { why }) });
  }
  return judged;
}

/** A cancel that lands this close before a merge begins has lost a race nobody can win (the daemon coalesces events for 20 ms). */
const MERGE_RACE_MS = 200;

const RAN = new Set(['task.dispatched', 'recovery.resumed', 'turn.started', 'merge.done']);

/** When the journal last changed the task's state (at or before `until`). */
function lastChangeAt(records, until) {
  let at = -Infinity;
  for (const record of records) {
    if (time(record.at) > until) break;
    if (record.type === 'dispatched' || record.type === 'finished' || record.type === 'retry') at = time(record.at);
  }
  return at;
}

/** Every failure found, as { check, task?, message }; and the flips judged. */
export async function checkWorld(world, { onceExit }) {
  const failures = [];
  const fail = (check, message, task) => failures.push({ check, ...(task === undefined ? {} : { task }), message });
  if (onceExit.hung) fail('daemon-once', 'ccx daemon --once did not return within its bound');
  else if (onceExit.code !== 0) fail('daemon-once', `ccx daemon --once exited ${onceExit.code ?? onceExit.signal}: ${onceExit.output.slice(-600)}`);

  const person = await readJsonLines(world.personLog ?? '/nonexistent');
  const saves = person.filter((record) => record.type === 'save');
  const intents = person.filter((record) => record.type === 'intent');
  const audit = await readJsonLines(world.audit);
  const journals = new Map();
  for (const task of world.tasks) journals.set(task.id, await readJsonLines(join(world.stateDir, 'runs', task.id, 'journal.jsonl')));
  const flips = judgeFlips(intents, { audit, journals, saves });

  // The board is there (a link still a link), and parses.
  let text = null;
  try {
    if (world.symlinked && !(await lstat(world.board)).isSymbolicLink()) fail('board-missing', 'BOARD.md is no longer the link the person made');
    text = await readFile(world.board, 'utf8');
  } catch (error) {
    fail('board-missing', `BOARD.md cannot be read (${error.code}); STATE_DIR holds ${(await readdir(world.stateDir).catch(() => [])).join(', ')}`);
  }
  const board = text === null ? null : parseBoard(text);
  if (board !== null && !board.valid) fail('board-invalid', `BOARD.md does not parse: ${board.problems.map((problem) => `${problem.line}:${problem.column} ${problem.message}`).join('; ')}`);

  const trailers = (await git(world.repo, ['log', '--format=%(trailers:key=Ccx-Task,valueonly)', 'main'])).split('\n').map((line) => line.trim()).filter((line) => line !== '');
  const branches = (await git(world.repo, ['branch', '--list', 'ccx/*', '--format=%(refname:short)'])).split('\n').filter((line) => line !== '');
  const worktrees = (await git(world.repo, ['worktree', 'list', '--porcelain'])).split('\n').filter((line) => line.startsWith('worktree ')).map((line) => line.slice('worktree '.length));

  for (const task of world.tasks) {
    const row = board?.rows.find((candidate) => candidate.id === task.id);
    const status = row?.status ?? null;
    const journal = journals.get(task.id);
    const state = journalState(journal);
    const events = audit.filter((event) => event.task === task.id);
    if (board !== null && row === undefined) fail('board-row', `${task.id} is not a valid row of the board any more`, task.id);
    if (status === 'running' || status === 'pending') fail('not-converged', `${task.id} is still ${status} after daemon --once returned (journal: ${state}${row?.workerPid ? `, worker_pid ${row.workerPid}` : ''})`, task.id);
    if (status !== null && state !== 'none' && status !== state) fail('board-vs-journal', `${task.id}: the board says ${status}, its journal ${state}`, task.id);
    const landed = trailers.filter((id) => id === task.id).length;
    if (landed > 1) fail('merged-twice', `${task.id} landed ${landed} times on main`, task.id);
    if (status === 'merged' && landed === 0) fail('merged-count', `${task.id} says merged but no commit on main carries Ccx-Task: ${task.id}`, task.id);
    if (landed > 0 && status !== null && status !== 'merged') fail('merged-count', `${task.id} landed on main but the board says ${status}`, task.id);

    // What the person's last allowed flip asks for, else how the task ends by itself. A status
    // change a stale buffer carried afterwards (blocked → pending from an old copy) may be read as a
    // retry or put right as a stale buffer: either is right, so such a row is not judged here.
    const last = flips.filter((flip) => flip.id === task.id).at(-1);
    let expected = task.status === 'draft' ? 'draft' : task.natural;
    if (last?.verdict === 'superseded') expected = null; // the person's own stale buffer put the old status back: either end is right
    else if (last?.to === 'pending') expected = task.natural;
    else if (last?.to === 'cancelled') expected = last.verdict === 'overtaken' ? null : 'cancelled';
    else if (last?.to === 'draft') expected = null; // a pending → draft may race a dispatch: either is right
    if (intents.some((intent) => intent.id === task.id && !intent.deliberate && intent.legal && intent.savedAt > (last?.savedAt ?? -Infinity))) expected = null;
    // A person's cancel that ccx took on the finished task (it lost the race with the task's own end): told as task.cancelled, stopped false.
    const cancelKept = status === 'cancelled' && events.some((event) => event.event === 'task.cancelled' && event.stopped === false);
    if (expected !== null && status !== null && status !== expected && !cancelKept) {
      fail('outcome', `${task.id} ended ${status}${row?.error ? ` (${row.error})` : ''}, expected ${expected}${last === undefined ? '' : ` (the person's last change: ${last.from} → ${last.to} by a ${last.style} save)`}`, task.id);
    }

    // One task.finished per run: never two without a dispatch between, and the last one says the final status.
    let open = false;
    let finishedCount = 0;
    let lastFinished = null;
    for (const event of events) {
      if (event.event === 'task.dispatched') open = true;
      if (event.event !== 'task.finished') continue;
      finishedCount += 1;
      if (!open && lastFinished !== null) fail('task-finished', `${task.id}: task.finished (${event.status}) twice for one run`, task.id);
      open = false;
      lastFinished = event;
    }
    const everDispatched = events.some((event) => event.event === 'task.dispatched') || state !== 'none';
    if (status !== null && TERMINAL.has(status) && everDispatched) {
      if (open || lastFinished === null) fail('task-finished', `${task.id} ended ${status} but its last run has no task.finished (${finishedCount} in all)`, task.id);
      else if (lastFinished.status !== status && !(status === 'cancelled' && events.some((event) => event.event === 'task.cancelled' && event.stopped === false && time(event.time) >= time(lastFinished.time)))) fail('task-finished', `${task.id}: the last task.finished says ${lastFinished.status}, the board ${status}`, task.id);
    }

    if (status === 'merged') {
      if (branches.includes(`ccx/${task.id}`)) fail('workspace-left', `merged ${task.id} still has its branch ccx/${task.id}`, task.id);
      if (worktrees.some((path) => path.endsWith(`/worktrees/${task.id}`))) fail('workspace-left', `merged ${task.id} still has its worktree`, task.id);
    }
  }

  // The person's text: every line they added, their last notes, and the prose byte for byte.
  if (text !== null) {
    const lastSaved = await readFile(`${world.personLog}.last`, 'utf8').catch(() => world.initialBoard);
    if (proseOf(text) !== proseOf(lastSaved)) fail('person-bytes', `the prose outside the Tasks block differs from the person's last save (${diffHint(proseOf(lastSaved), proseOf(text))})`);
    for (const save of saves) {
      const edit = save.edit;
      if (edit.kind === 'direction' && !text.includes(`${edit.line}\n`)) fail('person-bytes', `the person's line ${JSON.stringify(edit.line)} (save ${save.n}, ${save.style}) is gone`);
      if (edit.kind === 'comment' && !commentsOf(text).includes(edit.line)) fail('person-bytes', `the person's comment ${JSON.stringify(edit.line)} on ${edit.id} (save ${save.n}, ${save.style}) is gone`);
    }
    const rows = rowsOf(text);
    const lastNotes = new Map(saves.filter((save) => save.edit.kind === 'notes').map((save) => [save.edit.id, save]));
    for (const [id, save] of lastNotes) {
      const notes = rows.find((row) => row.id === id)?.notes;
      if (notes !== save.edit.value) fail('person-bytes', `${id}'s notes are ${JSON.stringify(notes)}, the person last wrote ${save.edit.value} (save ${save.n}, ${save.style})`, id);
    }
  }

  // Nothing of ccx's own left behind: set-aside boards, temp files, a stale board lock, leftover folders.
  const folders = [...new Set([world.stateDir, dirname(world.boardTarget)])];
  for (const folder of folders) {
    for (const name of await readdir(folder).catch(() => [])) {
      if (/\.ccx-aside-|\.ccx-\d+-[0-9a-f]+\.tmp$|^\.board\.lock$/.test(name)) fail('leftover-files', `${join(folder, name)} was left behind`);
    }
  }
  for (const name of await readdir(world.tmp).catch(() => [])) if (name.startsWith('ccx-leftovers-')) fail('leftover-files', `${join(world.tmp, name)} was left behind`);

  const orphans = await processesWithEnv('CCX_STATE_DIR', world.stateDir);
  if (orphans.length > 0) fail('orphans', `${orphans.length} agent process(es) still alive after daemon --once returned: ${orphans.join(', ')}`);

  return {
    failures,
    flips,
    orphans,
    saves: saves.length,
    boardMissingSeen: person.filter((record) => record.type === 'missing').length,
  };
}

function diffHint(expected, actual) {
  let at = 0;
  while (at < expected.length && expected[at] === actual[at]) at += 1;
  return `first difference at character ${at}: expected ${JSON.stringify(expected.slice(at, at + 40))}, found ${JSON.stringify(actual.slice(at, at + 40))}`;
}
