import { el, taskHref, time } from './dom.js';

const KEEP = 300;
const SHOWN_FIELDS = ['status', 'phase', 'role', 'agent', 'model', 'verdict', 'outcome', 'exit_status', 'sha', 'reason', 'file', 'passed'];

/** One line of the live feed for an audit record. */
export function feedItem(record, id, keyOf) {
  const key = keyOf(record);
  const details = SHOWN_FIELDS.filter((name) => record[name] !== undefined && record[name] !== null).map((name) => `${name}=${typeof record[name] === 'string' ? record[name] : JSON.stringify(record[name])}`);
  return el('li', { class: `feed-item event-${String(record.event).split('.')[0]}`, 'data-id': id || null, 'data-event': record.event },
    el('time', { datetime: record.time }, time(record.time)), ' ',
    el('strong', {}, String(record.event)), ' ',
    typeof record.task === 'string' && key !== null ? el('a', { href: taskHref(key, record.task) }, record.task) : null,
    record.attempt !== undefined ? ` a${record.attempt}` : null,
    record.cycle !== undefined ? ` c${record.cycle}` : null,
    details.length > 0 ? el('span', { class: 'muted' }, ` ${details.join(' ')}`) : null);
}

/** Adds an item at the top of the feed list, keeping the newest KEEP. */
export function pushFeed(list, item) {
  list.prepend(item);
  while (list.childElementCount > KEEP) list.lastElementChild.remove();
}
