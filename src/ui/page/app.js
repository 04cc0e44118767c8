// The dashboard page: a hash router over three views (overview, task, submit) kept current by the
// live feed. No framework and no build step; data goes into the DOM as text only (dom.js).
import { api, errorMessage, repoKey } from './api.js';
import { el, replaceChildren } from './dom.js';
import { feedItem, pushFeed } from './feed.js';
import { connectLive } from './live.js';
import { daemonLine, overview } from './overview.js';
import { submitForm } from './submit.js';
import { taskPage } from './task.js';

const REFRESH_DEBOUNCE_MS = 100;
const POLL_MS = 5000;
// The daemon rewrites status.json (phase, cycle, why a task waits) at most once a second, a moment
// after the audit line: one more look after that catches it.
const TRAILING_MS = 1200;

const view = document.getElementById('view');
const daemon = document.getElementById('daemon');
const live = document.getElementById('live');
const feed = document.getElementById('feed');

let state = { daemon: {}, repos: [] };
let message = null;
let refreshTimer = null;
let trailingTimer = null;
/** `<key>/<task>` → the last turn.started the feed brought (phase, cycle, agent, model). */
const latestTurns = new Map();
let rendering = Promise.resolve();

function parseRoute() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  if (parts[0] === 'repo' && parts[2] === 'task' && parts[3]) return { name: 'task', key: parts[1], id: parts[3] };
  if (parts[0] === 'submit') return { name: 'submit' };
  return { name: 'overview' };
}

async function loadState() {
  const result = await api.state();
  if (result.ok) state = result.body;
  daemon.textContent = result.ok ? daemonLine(state) : `The dashboard cannot read the state: ${errorMessage(result)}`;
  daemon.dataset.running = String(Boolean(state.daemon?.running));
  return result.ok;
}

async function render() {
  const current = parseRoute();
  await loadState();
  if (current.name === 'task') {
    const result = await api.task(current.key, current.id);
    if (!result.ok) return replaceChildren(view, el('h2', {}, current.id), el('p', { class: 'error' }, errorMessage(result)));
    replaceChildren(view, ...taskPage(current.key, current.id, result.body, { message, onChanged: (next) => { message = next; void refresh(); } }));
  } else if (current.name === 'submit') {
    if (view.querySelector('form.submit') === null) replaceChildren(view, ...submitForm(state, null));
  } else {
    replaceChildren(view, ...overview(state, latestTurns));
  }
}

/** Re-renders the current view, one render at a time (a burst of events is one refresh). */
function refresh() {
  clearTimeout(refreshTimer);
  return new Promise((resolve) => {
    refreshTimer = setTimeout(() => {
      rendering = rendering.then(render, render).then(resolve, resolve);
    }, REFRESH_DEBOUNCE_MS);
  });
}

function keyOfRecord(record) {
  const repos = state.repos ?? [];
  if (typeof record.key === 'string') return record.key;
  const match = repos.find((repo) => repo.repo === record.repo || repo.state_dir === record.repo);
  if (match) return repoKey(match);
  return repos.length === 1 ? repoKey(repos[0]) : null;
}

window.addEventListener('hashchange', () => {
  message = null;
  void refresh().then(() => view.focus());
});

connectLive({
  onRecord(record, id) {
    pushFeed(feed, feedItem(record, id, keyOfRecord));
    if (record.event === 'turn.started' && typeof record.task === 'string') latestTurns.set(`${keyOfRecord(record)}/${record.task}`, record);
    void refresh();
    clearTimeout(trailingTimer);
    trailingTimer = setTimeout(() => void refresh(), TRAILING_MS);
  },
  onState(value) {
    live.dataset.state = value;
    live.textContent = value === 'open' ? 'live' : 'reconnecting…';
  },
  onChange: () => void refresh(),
});

// Elapsed times and anything that changed without an audit line (status.json) stay current.
setInterval(() => {
  if (document.visibilityState === 'visible' && parseRoute().name === 'overview') void refresh();
}, POLL_MS);

void refresh();
