import { api } from './api.js';
import { el } from './dom.js';

// Artifact names as the loop writes them (src/loop/artifacts/files.ts): c<cycle>-<phase>[.try<n>].<kind>.
const ARTIFACT = /^c(\d+)-([a-z-]+?)(?:\.try(\d+))?\.(prompt\.md|out|err|verdict\.json|log)$/;
const KIND_LABEL = { 'prompt.md': 'prompt', out: 'output', err: 'stderr', 'verdict.json': 'verdict', log: 'test log' };
const SEVERITIES = ['critical', 'high', 'medium', 'low'];

/** An attempt's turns: the server's `turns` when it sends them, else grouped from the file names. */
export function turnsOf(attempt) {
  const files = (attempt.files ?? []).map((file) => (typeof file === 'string' ? file : file.name)).filter((name) => typeof name === 'string');
  if (Array.isArray(attempt.turns) && attempt.turns.length > 0) return attempt.turns.map((turn) => ({ ...turn, files: turnFiles(turn, files) }));
  const turns = new Map();
  for (const name of files) {
    const match = ARTIFACT.exec(name);
    if (match === null) continue;
    const key = `c${match[1]}-${match[2]}`;
    if (!turns.has(key)) turns.set(key, { cycle: Number(match[1]), phase: match[2], files: [] });
    turns.get(key).files.push(name);
  }
  return [...turns.values()].sort((a, b) => a.cycle - b.cycle || phaseRank(a.phase) - phaseRank(b.phase));
}

function turnFiles(turn, files) {
  if (Array.isArray(turn.files)) return turn.files.map((file) => (typeof file === 'string' ? file : file.name));
  // The server's turn names each of its files (prompt, output, stderr, verdict, log).
  const named = ['prompt', 'output', 'stderr', 'verdict', 'log', 'test_log'].map((field) => turn[field]).filter((value) => typeof value === 'string');
  if (named.length > 0 || typeof turn.name === 'string') return named;
  const prefix = `c${turn.cycle}-${turn.phase}.`;
  return files.filter((name) => name.startsWith(prefix));
}

function phaseRank(phase) {
  // Within a cycle: the work turn (implement, fix or resolve), then the test, then the review.
  return { implement: 1, fix: 1, resolve: 1, test: 2, review: 3 }[phase] ?? 9;
}

export function kindOf(name) {
  const match = ARTIFACT.exec(name);
  return match === null ? name : KIND_LABEL[match[4]] + (match[3] ? ` (try ${match[3]})` : '');
}

const cache = new Map();

/** The text of one artifact, fetched once per page (artifacts of a finished turn do not change). */
export async function artifactText(key, id, attempt, name) {
  const cacheKey = `${key}/${id}/${attempt}/${name}`;
  if (!cache.has(cacheKey)) {
    cache.set(cacheKey, api.file(key, id, attempt, name).then((result) => {
      if (!result.ok) cache.delete(cacheKey);
      return result.ok ? result.text : `(could not load ${name}: HTTP ${result.status})`;
    }));
  }
  return cache.get(cacheKey);
}

/** A collapsible artifact whose text loads the first time it is opened; `open` keeps it open across re-renders. */
export function artifactDetails({ key, id, attempt, name, open, onToggle }) {
  const pre = el('pre', { class: 'artifact' }, 'Loading…');
  const details = el('details', { 'data-artifact': `${attempt}/${name}`, open: open || null },
    el('summary', {}, `${kindOf(name)} `, el('code', {}, name)), pre);
  const load = () => artifactText(key, id, attempt, name).then((text) => { pre.textContent = text; });
  details.addEventListener('toggle', () => {
    onToggle(`${attempt}/${name}`, details.open);
    if (details.open) void load();
  });
  if (open) void load();
  return details;
}

/** Findings as a flat list, whichever way they come: a list, lists by severity, or the loop's `open` and `skipped`. */
function findingsOf(verdict) {
  const list = [];
  const add = (items, skipped) => {
    for (const finding of Array.isArray(items) ? items : []) list.push({ ...finding, skipped: Boolean(finding.skipped) || skipped });
  };
  if (Array.isArray(verdict.findings)) add(verdict.findings, false);
  else if (verdict.findings && typeof verdict.findings === 'object') for (const items of Object.values(verdict.findings)) add(items, false);
  add(verdict.open, false);
  add(verdict.skipped, true);
  add(verdict.skipped_findings, true);
  return list;
}

/** A verdict: its word, summary, and findings grouped by severity, skipped ones marked. */
export function verdictView(verdict) {
  const findings = findingsOf(verdict);
  return el('div', { class: 'verdict', 'data-verdict': verdict.verdict ?? '' },
    el('p', {}, 'Verdict: ', el('strong', { class: `verdict-${verdict.verdict === 'approve' ? 'ok' : 'attention'}` }, String(verdict.verdict ?? '?')), verdict.summary ? ` — ${verdict.summary}` : ''),
    SEVERITIES.map((severity) => {
      const group = findings.filter((finding) => finding.severity === severity);
      if (group.length === 0) return null;
      return el('div', { class: `severity severity-${severity}` }, el('h6', {}, `${severity} (${group.length})`),
        el('ul', {}, group.map((finding) => el('li', { class: finding.skipped ? 'skipped' : null, 'data-skipped': finding.skipped ? 'true' : null },
          finding.skipped ? el('span', { class: 'badge' }, 'skipped') : null, finding.skipped ? ' ' : null,
          el('strong', {}, String(finding.title ?? '')),
          finding.file ? el('code', {}, ` ${finding.file}${finding.line_start ? `:${finding.line_start}` : ''}`) : null,
          finding.body ? el('div', { class: 'muted' }, String(finding.body)) : null))));
    }),
    findings.length === 0 ? el('p', { class: 'muted' }, 'No findings.') : null);
}

/** A diff with added and removed lines marked (as text, line by line). */
export function diffView(diff) {
  const lines = String(diff).split('\n');
  if (lines.length > 5000) return el('pre', { class: 'diff' }, diff);
  return el('pre', { class: 'diff' }, lines.map((line) => el('span', { class: line.startsWith('+') && !line.startsWith('+++') ? 'add' : line.startsWith('-') && !line.startsWith('---') ? 'del' : line.startsWith('@@') ? 'hunk' : null }, `${line}\n`)));
}
