// Notification figures: what following the audit log costs the daemon per record (an audit write
// with a notifier attached whose one sink hangs, beside one with none), and how long a merge's
// message takes to reach a webhook on 127.0.0.1. Targets: an audit write costs the same with a
// hanging sink (within 50 µs more); a message arrives within 50 ms.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openAuditLog } from '../../dist/audit/index.js';
import { Notifier } from '../../dist/notify/index.js';
import { median, round } from './stats.mjs';

const WRITES = 2_000;

function writeCosts(audit) {
  const costs = [];
  for (let i = 0; i < WRITES; i += 1) {
    const started = performance.now();
    audit.write('task.finished', { task: `T-${i}`, status: 'merged', exit_status: 'merged' });
    costs.push((performance.now() - started) * 1000);
  }
  return costs;
}

async function server(answer) {
  const hanging = [];
  const arrivals = [];
  const http = createServer((request, response) => {
    request.resume();
    request.on('end', () => {
      arrivals.push(performance.now());
      if (answer === 'hang') hanging.push(response);
      else response.writeHead(200).end();
    });
  });
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${http.address().port}/hook`,
    arrivals,
    close: async () => {
      for (const response of hanging) response.destroy();
      http.closeAllConnections();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

export async function run() {
  const dir = mkdtempSync(join(tmpdir(), 'ccx-bench-notify-'));
  const hang = await server('hang');
  const ok = await server('ok');
  try {
    const plain = openAuditLog(join(dir, 'plain.jsonl'), { repo: '/bench' });
    const bare = writeCosts(plain);
    plain.close();

    const followed = openAuditLog(join(dir, 'followed.jsonl'), { repo: '/bench' });
    const notifier = new Notifier({ env: {}, warn: () => undefined });
    notifier.attach(followed, () => [{ type: 'webhook', name: 'hang', events: ['merged'], url: hang.url, format: 'slack', headers: {} }]);
    const withSink = writeCosts(followed);
    await notifier.flush(100);
    followed.close();

    const latencies = [];
    const timed = openAuditLog(join(dir, 'timed.jsonl'), { repo: '/bench' });
    // A fresh notifier per message: the digest (5 a minute) would otherwise hold the rest.
    for (let i = 0; i < 20; i += 1) {
      const one = new Notifier({ env: {}, warn: () => undefined });
      const detach = one.attach(timed, () => [{ type: 'webhook', name: 'ok', events: ['merged'], url: ok.url, format: 'json', headers: {} }]);
      const before = ok.arrivals.length;
      const started = performance.now();
      timed.write('task.finished', { task: `T-${i}`, status: 'merged', exit_status: 'merged' });
      detach();
      while (ok.arrivals.length === before) await new Promise((resolve) => setImmediate(resolve));
      latencies.push(ok.arrivals[before] - started);
      await one.flush(100);
    }
    timed.close();
    return {
      audit_write_us_median: round(median(bare)),
      audit_write_with_hanging_sink_us_median: round(median(withSink)),
      webhook_delivery_ms_median: round(median(latencies)),
      webhook_delivery_ms_max: round(Math.max(...latencies)),
      targets: { extra_us_per_write: 50, delivery_ms: 50 },
    };
  } finally {
    await hang.close();
    await ok.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
