// Building DOM from data: text always goes in through textContent (never innerHTML), so a title like
// `<img onerror=…>` shows as the characters it is.

/** An element with attributes (strings; `false`/null/undefined are left out) and children (nodes or text). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === 'class') node.className = String(value);
    else if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  append(node, children);
  return node;
}

export function append(node, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

export function replaceChildren(node, ...children) {
  node.replaceChildren();
  return append(node, children);
}

/** A link inside the page (hash routes), from path parts that are encoded one by one. */
export function route(...parts) {
  return `#/${parts.map((part) => encodeURIComponent(String(part))).join('/')}`;
}

export function taskHref(repoKey, taskId) {
  return route('repo', repoKey, 'task', taskId);
}

/** "3m 12s" from milliseconds. */
export function duration(ms) {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes}m ${seconds % 60}s`;
  return `${Math.floor(minutes / 60)}h ${minutes % 60}m`;
}

export function money(usd) {
  return typeof usd === 'number' && Number.isFinite(usd) ? `$${usd.toFixed(usd < 1 ? 3 : 2)}` : '–';
}

export function time(iso) {
  if (typeof iso !== 'string') return '–';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleTimeString();
}

export function statusBadge(status) {
  return el('span', { class: `badge status-${String(status).replace(/[^a-z-]/g, '')}` }, String(status));
}
