import { api, errorMessage, repoKey } from './api.js';
import { el, taskHref } from './dom.js';

const list = (text) => String(text).split(/[\n,]/).map((item) => item.trim()).filter((item) => item !== '');

/** The submission form: the inbox's fields, posted as JSON; shows accepted (with the id) or rejected (with the reason). */
export function submitForm(state, lastKey) {
  const repos = state.repos ?? [];
  const result = el('p', { id: 'submit-result', role: 'status', 'aria-live': 'polite' });
  const field = (label, control, hint) => el('label', {}, el('span', {}, label), control, hint ? el('small', { class: 'muted' }, hint) : null);
  const repo = el('select', { name: 'repo', required: true }, repos.map((item) => el('option', { value: repoKey(item), selected: repoKey(item) === lastKey }, String(item.repo))));
  const title = el('input', { name: 'title', required: true, maxlength: 200, autocomplete: 'off' });
  const body = el('textarea', { name: 'body', rows: 6 });
  const include = el('textarea', { name: 'include', rows: 2, placeholder: 'src/parser/**' });
  const exclude = el('textarea', { name: 'exclude', rows: 1 });
  const priority = el('select', { name: 'priority' }, ['normal', 'high', 'low'].map((value) => el('option', { value }, value)));
  const dependsOn = el('input', { name: 'depends_on', placeholder: 'T-1, T-2' });
  const mode = el('select', { name: 'mode' }, ['loop', 'forever', 'duet', 'conductor'].map((value) => el('option', { value }, value)));
  const cycles = el('input', { name: 'cycles', type: 'number', min: 1, max: 1000, placeholder: 'default' });
  const draft = el('input', { name: 'draft', type: 'checkbox' });
  const button = el('button', { type: 'submit' }, 'Submit task');
  const form = el('form', { class: 'submit', 'aria-labelledby': 'submit-title' },
    field('Repository', repo),
    field('Title', title),
    field('Brief (Markdown; becomes the Goal unless it has the six sections)', body),
    field('Scope: include globs (one a line or comma-separated; empty = whole repository)', include),
    field('Scope: exclude globs', exclude),
    field('Priority', priority),
    field('Depends on', dependsOn),
    field('Mode', mode),
    field('Review cycles (loops; the cap for forever)', cycles),
    el('label', { class: 'check' }, draft, el('span', {}, 'Save as draft (never dispatched until made pending)')),
    button, result);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (repos.length === 0) {
      result.textContent = 'No repository is set up: run `ccx init` in one first.';
      return;
    }
    const submission = { title: title.value.trim(), body: body.value, priority: priority.value, mode: mode.value, status: draft.checked ? 'draft' : 'pending' };
    if (list(include.value).length > 0 || list(exclude.value).length > 0) submission.scope = { include: list(include.value), exclude: list(exclude.value) };
    if (list(dependsOn.value).length > 0) submission.depends_on = list(dependsOn.value);
    if (cycles.value !== '') submission[mode.value === 'forever' ? 'max_cycles' : 'loops'] = Number(cycles.value);
    button.disabled = true;
    result.className = '';
    result.textContent = 'Submitting…';
    const answer = await api.submit(repo.value, submission);
    button.disabled = false;
    if (answer.ok && typeof answer.body?.id === 'string') {
      result.className = 'ok';
      result.replaceChildren('Accepted as ', el('a', { href: taskHref(repo.value, answer.body.id), 'data-accepted': answer.body.id }, answer.body.id), '.');
      form.reset();
    } else if (answer.ok) {
      result.className = 'ok';
      result.textContent = typeof answer.body?.message === 'string' ? answer.body.message : `Submitted as ${answer.body?.file ?? 'an inbox file'}: the daemon takes it in when it runs (start it with \`ccx daemon\`).`;
      form.reset();
    } else {
      result.className = 'error';
      const label = answer.status === 429 ? 'Rejected: the queue is full' : answer.status === 422 ? 'Rejected' : `Not submitted (HTTP ${answer.status})`;
      result.textContent = `${label}: ${errorMessage(answer)}`;
    }
  });
  return [el('h2', { id: 'submit-title' }, 'New task'), form];
}
