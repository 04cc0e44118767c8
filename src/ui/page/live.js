// The live feed: one EventSource on /api/events. The browser reconnects by itself after a cut and
// sends Last-Event-ID, so the server resumes right after the last event this page saw; when the
// browser gives up (the server answered an error), the page opens a new stream that names the last
// id in the query.

const RETRY_MS = 2000;
const EVENT_TYPES = ['message', 'audit'];

/** Calls onRecord(record, id) for each audit record (with its repository's `key`), onState('open'|'retrying') when that changes. */
export function connectLive({ onRecord, onState, onChange }) {
  let lastId = null;
  let source = null;
  let retryTimer = null;

  const open = () => {
    const url = lastId === null ? '/api/events' : `/api/events?lastEventId=${encodeURIComponent(lastId)}`;
    source = new EventSource(url, { withCredentials: true });
    source.addEventListener('open', () => onState('open'));
    for (const type of EVENT_TYPES) {
      source.addEventListener(type, (event) => {
        if (event.lastEventId !== '') lastId = event.lastEventId;
        let data;
        try {
          data = JSON.parse(event.data);
        } catch {
          return;
        }
        // {key, offset, record}: the record of audit.jsonl and the repository it is from.
        if (data !== null && typeof data.record === 'object' && data.record !== null) onRecord({ ...data.record, key: data.key }, event.lastEventId);
        else onRecord(data, event.lastEventId);
      });
    }
    // `state`: STATUS-relevant files changed without an audit line; `reset`: an audit log was
    // replaced or cut, so what the page holds may be stale.
    for (const type of ['state', 'reset', 'replayed']) source.addEventListener(type, () => onChange());
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) {
        onState('retrying');
        source.close();
        clearTimeout(retryTimer);
        retryTimer = setTimeout(open, RETRY_MS);
      } else {
        onState('retrying');
      }
    });
  };
  open();
  return {
    close() {
      clearTimeout(retryTimer);
      source?.close();
    },
  };
}
