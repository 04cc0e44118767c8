import { describe, expect, it } from 'vitest';
import { sessionAfterTurn, sessionForTurn } from '../../src/loop/turn/sessions.js';

describe('implementer sessions', () => {
  it('claude and command agents start under a ccx id and resume it once a turn completed', () => {
    const first = sessionForTurn(null, 'claude', true);
    expect(first).toMatchObject({ label: 'new', request: { resume: false } });
    const kept = sessionAfterTurn(first, { kind: 'ok', sessionId: first.request!.id });
    expect(sessionForTurn(kept, 'claude', true)).toEqual({ label: 'resumed', request: { id: first.request!.id, resume: true }, used: kept });
  });

  it('codex picks its thread id itself: the first turn has none, later turns resume the id it reported', () => {
    const first = sessionForTurn(null, 'codex', true);
    expect(first).toEqual({ label: 'new', request: undefined, used: null });
    const kept = sessionAfterTurn(first, { kind: 'ok', sessionId: 'thread-1' });
    expect(sessionForTurn(kept, 'codex', true).request).toEqual({ id: 'thread-1', resume: true });
    expect(sessionAfterTurn(first, { kind: 'ok', sessionId: undefined })).toBeNull();
  });

  it('a new session that was limited or failed is not resumed; a started one is kept through a limit', () => {
    const first = sessionForTurn(null, 'claude', true);
    expect(sessionAfterTurn(first, { kind: 'usage-limit', sessionId: first.request!.id })).toBeNull();
    const started = { id: 'abc', started: true };
    expect(sessionAfterTurn(sessionForTurn(started, 'claude', true), { kind: 'usage-limit', sessionId: 'abc' })).toEqual(started);
  });

  it('conductor turns and reviews are fresh', () => {
    expect(sessionForTurn({ id: 'abc', started: true }, 'claude', false)).toEqual({ label: 'fresh', request: undefined, used: null });
  });
});
