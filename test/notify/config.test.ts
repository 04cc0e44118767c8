import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/config-file.js';
import { DEFAULT_NOTIFY_EVENTS, parseNotifyFile } from '../../src/notify/index.js';

const BASE = 'repo: /work/shop\nintegration: main\n';

function problems(text: string): string[] {
  const parsed = parseConfig(BASE + text);
  return 'problems' in parsed ? parsed.problems.map((problem) => `${problem.line}:${problem.column}: ${problem.message}`) : [];
}

describe('notify: in config.yaml', () => {
  it('reads every sink type with its defaults', () => {
    const parsed = parseConfig(`${BASE}notify:
  - {type: webhook, url: "https://hooks.slack.com/services/T/B/X", format: slack, events: [question, blocked]}
  - {type: webhook, url: "https://ntfy.sh/\${NTFY_TOPIC}", format: ntfy, headers: {Authorization: "Bearer \${NTFY_TOKEN}"}}
  - {type: command, argv: [notify-send, ccx, "{text}"]}
  - {type: desktop, name: my-laptop}
`);
    expect('config' in parsed && parsed.config.notify).toEqual([
      { type: 'webhook', name: 'webhook slack', events: ['question', 'blocked'], url: 'https://hooks.slack.com/services/T/B/X', format: 'slack', headers: {} },
      { type: 'webhook', name: 'webhook ntfy', events: DEFAULT_NOTIFY_EVENTS, url: 'https://ntfy.sh/${NTFY_TOPIC}', format: 'ntfy', headers: { Authorization: 'Bearer ${NTFY_TOKEN}' } },
      { type: 'command', name: 'command notify-send', events: DEFAULT_NOTIFY_EVENTS, argv: ['notify-send', 'ccx', '{text}'] },
      { type: 'desktop', name: 'my-laptop', events: DEFAULT_NOTIFY_EVENTS },
    ]);
    expect('config' in parseConfig(BASE) && (parseConfig(BASE) as { config: { notify: unknown } }).config.notify).toEqual([]);
  });

  it('points at each mistake with its line:column and a did-you-mean', () => {
    expect(problems(`notfy: []\n`)).toEqual([
      '3:1: notfy is not a config.yaml setting; did you mean notify? (the settings: repo, integration, parallel, test, max_attempts, agents, commit_subject, notify, ask, runners).',
    ]);
    expect(
      problems(`notify:
  - type: webhok
  - type: webhook
    url: ftp://example.com/x
    format: slak
  - type: command
    argv: []
  - type: desktop
    events: [merged, blokced]
    colour: red
`),
    ).toEqual([
      '4:11: notify[0].type must be one of command, webhook, desktop, but it is "webhok"; did you mean webhook?',
      '6:10: notify[1].url must start with https:// (or http://), but it starts "ftp://ex".',
      '7:13: notify[1].format must be one of json, slack, discord, ntfy, but it is "slak"; did you mean slack?',
      '9:11: notify[2].argv must be a list like [notify-send, ccx, "{text}"] (the program and its arguments; the event\'s JSON comes on stdin), but it is [].',
      '11:22: notify[3].events has "blokced", which is not an event; did you mean blocked? (events: question, answered, blocked, failed, merged, cancelled, limit.paused, limit.resumed, daemon.failed).',
      '12:5: notify[3].colour is not a key a desktop sink takes (notify[3] takes: type, name, events).',
    ]);
    expect(problems('notify: {type: desktop}\n')[0]).toMatch(/^3:9: notify must be a list of sinks/);
  });
});

describe('the data root notify.yaml', () => {
  it('takes notify: as in config.yaml, or the bare list', () => {
    expect(parseNotifyFile('notify:\n  - {type: desktop}\n')).toEqual({ sinks: [{ type: 'desktop', name: 'desktop', events: DEFAULT_NOTIFY_EVENTS }] });
    expect(parseNotifyFile('- {type: desktop}\n')).toEqual({ sinks: [{ type: 'desktop', name: 'desktop', events: DEFAULT_NOTIFY_EVENTS }] });
    expect(parseNotifyFile('')).toEqual({ sinks: [] });
    expect(parseNotifyFile('notifi: []\n')).toEqual({ problems: [{ line: 1, column: 1, message: 'notifi is not a notify.yaml setting; did you mean notify? (the settings: notify).' }] });
  });
});
