import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { testdir } from '../helpers/testdir.js';

const APPEND = fileURLToPath(new URL('./fixtures/append-records.mjs', import.meta.url));
const PER_WRITER = 2000;

function appendInChild(path: string, writer: string, startAt: number): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [APPEND, path, writer, String(PER_WRITER), String(startAt)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, output })));
}

describe('audit.jsonl written by two processes at once', () => {
  it('holds 4,000 complete lines, each writer\'s 2,000 in order', { timeout: 120_000 }, async () => {
    const path = join(await testdir(), 'state', 'audit.jsonl');
    const startAt = Date.now() + 1_500;
    const [a, b] = await Promise.all([appendInChild(path, 'a', startAt), appendInChild(path, 'b', startAt)]);
    expect(a).toEqual({ code: 0, output: 'done\n' });
    expect(b).toEqual({ code: 0, output: 'done\n' });

    const text = await readFile(path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    const lines = text.slice(0, -1).split('\n');
    expect(lines).toHaveLength(2 * PER_WRITER);
    const next = { 'T-1': 0, 'T-2': 0 } as Record<string, number>;
    let switches = 0;
    let previous = '';
    for (const line of lines) {
      const record = JSON.parse(line) as { task: string; attempt: number; files: string[] };
      expect(record.files).toHaveLength(12);
      expect(record.attempt).toBe(next[record.task]);
      next[record.task] = record.attempt + 1;
      if (record.task !== previous) switches += 1;
      previous = record.task;
    }
    expect(next).toEqual({ 'T-1': PER_WRITER, 'T-2': PER_WRITER });
    // The two really wrote at the same time (else this test proves nothing about interleaving).
    expect(switches).toBeGreaterThan(2);
  });
});
