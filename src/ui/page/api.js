// The dashboard's JSON API (README "Dashboard"), as the page uses it. Every call answers
// {ok, status, body}; an error body is {"error": {"code", "message"}}.

async function call(method, path, payload) {
  const init = { method, credentials: 'same-origin', headers: { accept: 'application/json' } };
  if (payload !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(payload);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    return { ok: false, status: 0, body: { error: { code: 'NETWORK', message: `The dashboard server did not answer (${error.message}); is \`ccx ui\` still running?` } } };
  }
  const text = await response.text();
  let body;
  try {
    body = text === '' ? null : JSON.parse(text);
  } catch {
    body = { error: { code: 'BAD_RESPONSE', message: text.slice(0, 300) } };
  }
  return { ok: response.ok, status: response.status, body };
}

/** The error's message of a failed call, for a person. */
export function errorMessage(result) {
  const error = result.body && result.body.error;
  if (error && typeof error.message === 'string') return error.message;
  return `The server answered HTTP ${result.status}.`;
}

const repoPath = (key) => `/api/repos/${encodeURIComponent(key)}`;
const taskPath = (key, id) => `${repoPath(key)}/tasks/${encodeURIComponent(id)}`;

export const api = {
  state: () => call('GET', '/api/state'),
  task: (key, id) => call('GET', taskPath(key, id)),
  file: async (key, id, attempt, name) => {
    const response = await fetch(`${taskPath(key, id)}/attempts/${encodeURIComponent(attempt)}/files/${encodeURIComponent(name)}`, { credentials: 'same-origin' });
    return { ok: response.ok, status: response.status, text: await response.text() };
  },
  submit: (key, submission) => call('POST', `${repoPath(key)}/tasks`, submission),
  /** action: pending, cancel or retry; expect: what the page saw of the row (409 if it changed). */
  act: (key, id, action, expect) => call('POST', `${taskPath(key, id)}/${action}`, expect === undefined || expect === null ? {} : { expect }),
};

/** A repository's key: the server's `key`, else its STATE_DIR's folder name. */
export function repoKey(repo) {
  if (typeof repo.key === 'string') return repo.key;
  const parts = String(repo.state_dir ?? '').split(/[\\/]/).filter(Boolean);
  return parts.at(-1) ?? '';
}
