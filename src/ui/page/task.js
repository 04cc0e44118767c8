import { api, errorMessage } from './api.js';
import { artifactDetails, artifactText, diffView, turnsOf, verdictView } from './artifacts.js';
import { feedItem } from './feed.js';
import { el, money, route, statusBadge, time } from './dom.js';

const ROW_FIELDS = ['status', 'line', 'priority', 'mode', 'loops', 'max_cycles', 'depends_on', 'scope', 'attempts', 'exit_status', 'error', 'branch', 'commit', 'started_at', 'finished_at'];
const ACTIONS = [
  { action: 'pending', label: 'Make pending', when: ['draft'] },
  { action: 'cancel', label: 'Cancel', when: ['pending', 'running', 'draft'] },
  { action: 'retry', label: 'Retry', when: ['blocked', 'failed', 'cancelled'] },
];

/** Which artifacts a person opened, kept across the re-renders that live updates cause. */
const opened = new Set();

/** The task page: row, actions, brief, attempts with every turn, diff, handoff, audit events. */
export function taskPage(key, id, data, { onChanged, message }) {
  const row = data.row ?? data.task ?? {};
  const attempts = data.attempts ?? [];
  return [
    el('p', {}, el('a', { href: route() }, '← Overview')),
    el('h2', {}, `${id} `, el('span', { class: 'title' }, String(row.title ?? '')), ' ', statusBadge(row.status ?? '?')),
    el('p', { id: 'action-result', role: 'status', class: message?.kind ?? null }, message?.text ?? ''),
    actions(key, id, row, data, onChanged),
    el('section', { 'aria-labelledby': 'row-title' }, el('h3', { id: 'row-title' }, 'Row'), rowTable(row),
      typeof data.cost_usd === 'number' ? el('p', {}, `Cost so far: ${money(data.cost_usd)} (as the agents reported it)`) : null),
    el('section', { 'aria-labelledby': 'brief-title' }, el('h3', { id: 'brief-title' }, 'Brief'),
      typeof data.brief === 'string' ? el('pre', { class: 'text' }, data.brief) : el('p', { class: 'muted' }, 'No brief yet.')),
    el('section', { 'aria-labelledby': 'attempts-title' }, el('h3', { id: 'attempts-title' }, 'Attempts'),
      attempts.length === 0 ? el('p', { class: 'muted' }, 'No attempt has started.') : attempts.map((attempt, index) => attemptView(key, id, attempt, index))),
    el('section', { 'aria-labelledby': 'diff-title' }, el('h3', { id: 'diff-title' }, 'Diff'),
      diffSection(data.diff)),
    el('section', { 'aria-labelledby': 'handoff-title' }, el('h3', { id: 'handoff-title' }, 'Handoff note'),
      typeof data.handoff === 'string' ? el('pre', { class: 'text' }, data.handoff) : el('p', { class: 'muted' }, 'No handoff note yet.')),
    el('section', { 'aria-labelledby': 'events-title' }, el('h3', { id: 'events-title' }, 'Audit events'),
      el('ol', { class: 'feed-list' }, (data.events ?? []).map((record) => feedItem(record, null, () => key)))),
  ];
}

function diffSection(diff) {
  const text = typeof diff === 'string' ? diff : diff?.text;
  if (typeof text !== 'string' || text === '') return el('p', { class: 'muted' }, 'No diff: the task has no branch or commit yet.');
  const what = diff?.kind === 'squash' ? `The squash commit ${String(diff.to).slice(0, 12)}` : diff?.kind === 'branch' ? `${diff.to} against ${diff.from}` : null;
  return [what ? el('p', { class: 'muted' }, what, diff.truncated ? ' (cut: the rest is in git)' : '') : null, diffView(text)];
}

function actions(key, id, row, data, onChanged) {
  const possible = ACTIONS.filter((action) => action.when.includes(row.status));
  if (possible.length === 0) return null;
  return el('div', { class: 'actions' }, possible.map(({ action, label }) => el('button', {
    type: 'button',
    'data-action': action,
    onclick: async (event) => {
      event.currentTarget.disabled = true;
      const result = await api.act(key, id, action, row.version ?? data.expect ?? null);
      if (result.ok) onChanged({ kind: 'ok', text: `${label}: done, ${id} is now ${result.body?.row?.status ?? result.body?.status ?? 'updated'}.` });
      else if (result.status === 409) onChanged({ kind: 'error', text: `${errorMessage(result)} The row changed under the page; it now shows status ${freshStatus(result.body)}. Look again, then retry.` });
      else onChanged({ kind: 'error', text: `${label} failed: ${errorMessage(result)}` });
    },
  }, label)));
}

function freshStatus(body) {
  return String(body?.row?.status ?? body?.error?.row?.status ?? body?.fresh?.status ?? '(reloaded below)');
}

function rowTable(row) {
  const shown = ROW_FIELDS.filter((field) => row[field] !== undefined && row[field] !== null && !(Array.isArray(row[field]) && row[field].length === 0));
  return el('table', { class: 'row' }, el('tbody', {}, shown.map((field) => el('tr', {},
    el('th', { scope: 'row' }, field), el('td', {}, typeof row[field] === 'string' || typeof row[field] === 'number' ? String(row[field]) : JSON.stringify(row[field]))))));
}

function attemptView(key, id, attempt, index) {
  const n = attempt.n ?? attempt.attempt ?? attempt.number ?? index + 1;
  const turns = turnsOf(attempt);
  return el('article', { class: 'attempt', 'data-attempt': n },
    el('h4', {}, `Attempt ${n}`, attempt.tier ? ` · ${attempt.tier}` : '', attempt.exit_status ? ` · ${attempt.exit_status}` : '', typeof attempt.cost_usd === 'number' ? ` · ${money(attempt.cost_usd)}` : ''),
    turns.length === 0 ? el('p', { class: 'muted' }, 'No turn has written anything yet.') : turns.map((turn) => turnView(key, id, n, turn, attempt.verdicts ?? [])));
}

function turnView(key, id, attempt, turn, verdicts) {
  const verdictFile = turn.files.find((name) => name.endsWith('.verdict.json'));
  const parsed = typeof turn.verdict === 'object' && turn.verdict !== null ? turn.verdict : verdicts.find((verdict) => verdict.file === verdictFile);
  const verdictSlot = el('div', { class: 'verdict-slot' });
  if (parsed !== undefined) verdictSlot.append(verdictView(parsed));
  else if (verdictFile !== undefined) void artifactText(key, id, attempt, verdictFile).then((text) => {
    try {
      verdictSlot.replaceChildren(verdictView(JSON.parse(text)));
    } catch {
      verdictSlot.replaceChildren(el('p', { class: 'muted' }, 'The verdict file does not parse: open it below.'));
    }
  });
  const facts = [turn.role, turn.agent, turn.model, turn.cost_usd !== undefined ? money(turn.cost_usd) : null, turn.started_at ? time(turn.started_at) : null].filter(Boolean);
  return el('div', { class: 'turn', 'data-turn': `c${turn.cycle}-${turn.phase}`, 'data-phase': turn.phase },
    el('h5', {}, `Cycle ${turn.cycle} · ${turn.phase}`, facts.length > 0 ? el('span', { class: 'muted' }, ` (${facts.join(', ')})`) : null),
    verdictSlot,
    turn.files.map((name) => artifactDetails({ key, id, attempt, name, open: opened.has(`${attempt}/${name}`), onToggle: (name2, open) => (open ? opened.add(name2) : opened.delete(name2)) })));
}
