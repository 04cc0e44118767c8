// The live feed: one EventSource on /api/events. The browser reconnects by itself after a cut and
// sends Last-Event-ID, so the server resumes right after the last event this page saw; when the
// browser gives up (the server answered an error), the page opens a new stream that names the last
// id in the query.

const RETRY_MS = 2000;
const EVENT_TYPES = ['message', 'audit'];

/** Calls onRecord(record, id) for each audit record, onState('open'|'retrying') when that changes. */
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
        let record;
        try {
          record = JSON.parse(event.data);
        } catch {
          return;
        }
        onRecord(record, event.lastEventId);
      });
    }
    // A `state` event: STATUS-relevant files changed without an audit line.
    source.addEventListener('state', () => onChange());
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
