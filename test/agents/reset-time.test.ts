import { describe, expect, it } from 'vitest';
import { parseClaudeResetTime } from '../../src/agents/claude/reset-time.js';
import { parseCodexResetTime } from '../../src/agents/codex/reset-time.js';
import { parseRetryAfter } from '../../src/agents/limits/retry-after.js';

const NOW = new Date('2026-11-21T06:07:30Z');

describe('parseClaudeResetTime', () => {
  it.each([
    ["You've hit your session limit · resets 7:33am (UTC)", '2026-11-21T07:33:00.000Z'],
    ["You've hit your session limit · resets 7am (UTC)", '2026-11-21T07:00:00.000Z'],
    ["You've hit your 5-hour limit · resets 12:15am (UTC)", '2026-11-22T00:15:00.000Z'], // tomorrow, no date: within a day
    ["You've hit your session limit · resets 6:05am (UTC)", '2026-11-21T06:05:00.000Z'], // just passed: now, not tomorrow
    ["You've hit your session limit · resets 3:33pm (Europe/Berlin)", '2026-11-21T14:33:00.000Z'],
    ["You've hit your session limit · resets 9:00pm (America/Los_Angeles)", '2026-11-22T05:00:00.000Z'],
    ["You've hit your weekly limit · resets Nov 24, 5:33am (UTC)", '2026-11-24T05:33:00.000Z'],
    ["You've hit your weekly limit · resets Nov 24, 5am (Asia/Tokyo)", '2026-11-23T20:00:00.000Z'],
    ["You’ve hit your Opus limit · resets Jan 2, 2027, 5:33am (UTC)", '2027-01-02T05:33:00.000Z'],
    ["You've hit your weekly limit · resets Jan 2, 5:33am (UTC)", '2027-01-02T05:33:00.000Z'], // the nearer year
    ['Claude AI usage limit reached|1795300000', '2026-11-21T22:26:40.000Z'],
  ])('%s → %s', (text, expected) => {
    expect(parseClaudeResetTime(text, NOW)?.toISOString()).toBe(expected);
  });

  it('reads a time with an unknown zone as local time, and no time as absent', () => {
    expect(parseClaudeResetTime("You've hit your session limit · resets 7:33am (Mars/Olympus)", NOW)).toBeInstanceOf(Date);
    expect(parseClaudeResetTime("You've hit your session limit", NOW)).toBeUndefined();
    expect(parseClaudeResetTime('API Error: Request rejected (429)', NOW)).toBeUndefined();
  });
});

describe('parseCodexResetTime', () => {
  it.each([
    ['…or try again at 7:34 AM.', 'UTC', '2026-11-21T07:34:00.000Z'],
    ['…or try again at 12:05 AM.', 'UTC', '2026-11-22T00:05:00.000Z'],
    ['…or try again at 7:34 PM.', 'Europe/Paris', '2026-11-21T18:34:00.000Z'],
    ['…try again at Nov 24th, 2026 5:34 AM.', 'UTC', '2026-11-24T05:34:00.000Z'],
    ['…try again at Dec 1st, 2026 11:02 PM.', 'UTC', '2026-12-01T23:02:00.000Z'],
    ['…try again at Nov 22nd, 2026 1:00 AM.', 'America/New_York', '2026-11-22T06:00:00.000Z'],
  ])('%s in %s → %s', (text, zone, expected) => {
    expect(parseCodexResetTime(text, NOW, zone)?.toISOString()).toBe(expected);
  });

  it('has no time for "Try again later."', () => {
    expect(parseCodexResetTime('You’ve hit your usage limit. Try again later.', NOW, 'UTC')).toBeUndefined();
  });
});

describe('parseRetryAfter (command agents, exit 75)', () => {
  it.each([
    ['retry-after: 120\n', '2026-11-21T06:09:30.000Z'],
    ['limited\nRetry-After: 2026-11-21T09:00:00Z\n', '2026-11-21T09:00:00.000Z'],
    ['retry-after: 2026-11-21T10:00:00+02:00', '2026-11-21T08:00:00.000Z'],
    ['retry-after: 10\nretry-after: 60\n', '2026-11-21T06:08:30.000Z'],
  ])('%j → %s', (stderr, expected) => {
    expect(parseRetryAfter(stderr, NOW)?.toISOString()).toBe(expected);
  });

  it.each(['', 'limited\n', 'retry-after: soon\n', 'retry-after: 12:00\n'])('%j has none', (stderr) => {
    expect(parseRetryAfter(stderr, NOW)).toBeUndefined();
  });
});
