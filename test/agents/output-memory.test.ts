import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_LINE_BYTES, DEFAULT_MAX_OUTPUT_BYTES, OutputCollector } from '../../src/agents/process/output.js';
import { AGENT_FIXTURES } from '../helpers/processes.js';

const run = promisify(execFile);
/** The bound: an agent printing 100 MB must not take ccx anywhere near it (before: 0.5–1.5 GB). */
const MAX_GROWTH_MB = 200;

interface Figures {
  baselineKb: number;
  peakKb: number;
  exitCode: number | null;
  stdoutChars: number;
  stderrChars: number;
  lines: { stdout: number; stderr: number; longest: number };
}

/** Runs the built runInGroup (dist/: npm test builds first) in a node process of its own and reads its peak RSS. */
async function collect(streams: string, megabytes: number, shape: string): Promise<Figures> {
  const { stdout } = await run(process.execPath, [join(AGENT_FIXTURES, 'collect-rss.mjs'), streams, String(megabytes), shape], { timeout: 120_000, maxBuffer: 1024 * 1024 });
  const figures = JSON.parse(stdout) as Figures;
  console.log(`${streams} ${megabytes} MB ${shape}: peak RSS grew ${((figures.peakKb - figures.baselineKb) / 1024).toFixed(0)} MB`);
  return figures;
}

describe('agent output is bounded in memory', () => {
  it('100 MB on stdout and on stderr, with no newline at all', async () => {
    const figures = await collect('both', 100, 'one-line');
    expect(figures.exitCode).toBe(0);
    expect((figures.peakKb - figures.baselineKb) / 1024).toBeLessThan(MAX_GROWTH_MB);
    // The kept tail is the cap plus the "dropped" line; the endless line reaches its parser cut.
    expect(figures.stdoutChars).toBeLessThan(DEFAULT_MAX_OUTPUT_BYTES + 100);
    expect(figures.stderrChars).toBeLessThan(DEFAULT_MAX_OUTPUT_BYTES + 100);
    expect(figures.lines).toMatchObject({ stdout: 1, stderr: 1 });
    expect(figures.lines.longest).toBeLessThan(DEFAULT_MAX_LINE_BYTES + 100);
  }, 150_000);

  it('100 MB of 1 KB lines on stdout: every line reaches the parser', async () => {
    const figures = await collect('stdout', 100, 'lines');
    expect(figures.exitCode).toBe(0);
    expect((figures.peakKb - figures.baselineKb) / 1024).toBeLessThan(MAX_GROWTH_MB);
    expect(figures.lines.stdout).toBe(100 * 1024);
    expect(figures.lines.longest).toBe(1023);
  }, 150_000);
});

describe('OutputCollector', () => {
  it('keeps the tail past its cap, never splitting a character', () => {
    const collector = new OutputCollector(undefined, 10);
    collector.push('abc');
    collector.push(Buffer.from('déf-ghijklm', 'utf8'));
    expect(collector.totalBytes()).toBe(15);
    expect(collector.text()).toBe('[ccx: the first 6 bytes were dropped]\nf-ghijklm');
    collector.push('é');
    // The ring wrapped; the character split by the cut is left out, the one across the wrap is whole.
    expect(collector.text()).toBe('[ccx: the first 7 bytes were dropped]\n-ghijklmé');
  });

  it('hands out lines across chunks, cuts an overlong one and goes on after its newline', () => {
    const lines: string[] = [];
    const collector = new OutputCollector((line) => lines.push(line), 1024, 8);
    collector.push('ab');
    collector.push('c\r\ndef');
    collector.push('ghijklmnop');
    collector.push('qrs\nt');
    collector.end();
    expect(lines).toEqual(['abc', 'defghijk[ccx: line cut; 8 more bytes skipped]', 't']);
  });
});
