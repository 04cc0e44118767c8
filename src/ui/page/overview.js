import { repoKey } from './api.js';
import { duration, el, money, statusBadge, taskHref, time } from './dom.js';

const PRIORITY_ORDER = { high: 0, normal: 1, low: 2 };
const FINISHED = new Set(['merged', 'blocked', 'failed', 'cancelled']);
const RECENT = 10;

const idNumber = (id) => Number(String(id).replace(/^T-/, '')) || 0;

/** The header's line on the daemon: running or not, and paused agents with until when. */
export function daemonLine(state) {
  const daemon = state.daemon ?? {};
  const paused = pausedAgents(state);
  const parts = [daemon.running ? `Daemon running (pid ${daemon.pid})` : 'Daemon not running: nothing is dispatched (start it with `ccx daemon`)'];
  for (const pause of paused) parts.push(`${pause.agent ?? 'agents'} paused until ${until(pause.until)}`);
  return parts.join(' · ');
}

/** A time of day, with its date when that is not today (a monthly quota resets weeks away). */
function until(iso) {
  const date = new Date(iso);
  return !Number.isNaN(date.getTime()) && date.toDateString() !== new Date().toDateString() ? date.toLocaleString() : time(iso);
}

function pausedAgents(state) {
  const paused = [];
  for (const pause of state.daemon?.paused ?? []) paused.push(pause);
  for (const repo of state.repos ?? []) {
    for (const pause of repo.paused ?? []) paused.push(pause);
    // The daemon's status.json (while it runs) names each paused agent.
    for (const pause of repo.live?.daemon?.paused ?? []) if (!paused.some((known) => known.agent === pause.agent && known.until === pause.until)) paused.push(pause);
    if (repo.paused_until && paused.length === 0) paused.push({ agent: 'agents', until: repo.paused_until });
  }
  return paused;
}

/** The overview: per repository the running tasks, the queue in dispatch order, recently finished, board problems. */
export function overview(state, turns = new Map(), now = Date.now()) {
  const repos = state.repos ?? [];
  if (repos.length === 0) return [el('h2', {}, 'Overview'), el('p', {}, 'No repository is set up under the data root: run `ccx init` in one.')];
  return [el('h2', {}, 'Overview'), ...repos.map((repo) => repoSection(repo, turns, now))];
}

/**
 * The turn a running task is in, from the feed's last turn.started when status.json is behind it:
 * the audit line is written as the turn starts, status.json up to a second later.
 */
function withLatestTurn(task, turn) {
  if (turn === undefined || (turn.attempt ?? 0) < (task.attempts ?? 0)) return task;
  const behind = (turn.cycle ?? 0) > (task.cycle ?? 0) || ((turn.cycle ?? 0) === (task.cycle ?? 0) && (task.agent === undefined || task.agent === '-'));
  if (!behind) return task;
  return { ...task, phase: task.waiting ?? turn.phase ?? task.phase, cycle: turn.cycle ?? task.cycle, agent: turn.agent ?? task.agent, model: turn.model ?? task.model };
}

function repoSection(repo, turns, now) {
  const key = repoKey(repo);
  const tasks = repo.tasks ?? [];
  const running = tasks.filter((task) => task.status === 'running').map((task) => withLatestTurn(task, turns.get(`${key}/${task.id}`)));
  // The daemon's own dispatch order when it runs (status.json), else priority, then id number.
  const order = new Map((repo.live?.repo?.queue ?? []).map((entry, index) => [entry.id, index]));
  const queue = tasks.filter((task) => task.status === 'pending').sort((a, b) => (order.get(a.id) ?? Infinity) - (order.get(b.id) ?? Infinity) || (PRIORITY_ORDER[a.priority] ?? 1) - (PRIORITY_ORDER[b.priority] ?? 1) || idNumber(a.id) - idNumber(b.id));
  const drafts = tasks.filter((task) => task.status === 'draft');
  const finished = tasks.filter((task) => FINISHED.has(task.status)).sort((a, b) => String(b.finished_at ?? '').localeCompare(String(a.finished_at ?? '')) || idNumber(b.id) - idNumber(a.id)).slice(0, RECENT);
  const problems = repo.board?.problems ?? [];
  return el('section', { class: 'repo', 'data-repo': key, 'aria-labelledby': `repo-${key}` },
    el('h3', { id: `repo-${key}` }, String(repo.repo), ' ', el('span', { class: 'muted' }, key)),
    repo.board?.valid === false ? el('p', { class: 'problem' }, 'BOARD.md does not parse: nothing new is dispatched until it is fixed.') : null,
    table('Running', ['Task', 'Title', 'Phase', 'Cycle', 'Agent', 'Model', 'Elapsed', 'Cost'], running.map((task) => [
      taskLink(key, task), task.title, task.waiting ?? task.phase ?? '–', task.cycle !== undefined ? `${task.cycle}/${task.max_cycles ?? '?'}` : '–',
      task.agent ?? '–', task.model ?? '–', task.started_at ? duration(now - Date.parse(task.started_at)) : '–', money(task.cost_usd),
    ]), 'Nothing is running.', 'running'),
    table('Queue (dispatch order)', ['Task', 'Title', 'Priority', 'Waits because'], queue.map((task) => [
      taskLink(key, task), task.title, task.priority ?? 'normal', task.waiting ?? 'next when the daemon runs',
    ]), 'The queue is empty.', 'queue'),
    drafts.length > 0 ? table('Drafts', ['Task', 'Title'], drafts.map((task) => [taskLink(key, task), task.title]), '', 'drafts') : null,
    table('Recently finished', ['Task', 'Title', 'Status', 'Exit', 'Commit'], finished.map((task) => [
      taskLink(key, task), task.title, statusBadge(task.status), task.exit_status ?? '–', task.commit ? String(task.commit).slice(0, 12) : '–',
    ]), 'Nothing has finished yet.', 'finished'),
    problems.length > 0 ? el('div', { class: 'problems' }, el('h4', {}, 'Board problems'),
      el('ul', {}, problems.map((problem) => el('li', { class: 'problem' }, el('code', {}, `BOARD.md:${problem.line}:${problem.column}`), ' ', problem.message, problem.task ? ` (${problem.task})` : '')))) : null,
    (repo.foreign ?? []).length > 0 ? el('ul', {}, repo.foreign.map((task) => el('li', {}, `${task.id}: not ccx's (${task.reason})`))) : null,
  );
}

function taskLink(key, task) {
  return el('a', { href: taskHref(key, task.id), 'data-task': task.id, 'data-status': task.status }, String(task.id));
}

function table(title, headers, rows, empty, name) {
  return el('div', { class: 'block', 'data-block': name },
    el('h4', {}, title),
    rows.length === 0 ? el('p', { class: 'muted' }, empty) : el('table', {},
      el('thead', {}, el('tr', {}, headers.map((header) => el('th', { scope: 'col' }, header)))),
      el('tbody', {}, rows.map((cells) => el('tr', {}, cells.map((cell) => el('td', {}, cell)))))));
}
