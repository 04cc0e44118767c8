// The implementer: really writes files in the worktree.
import { appendFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { writesFor } from './blocks.mjs';

const LOG_FILE = 'SCRIPTED-AGENT.md';

/** Writes this cycle's files: the scenario's, else the prompt's write blocks, else a log line. */
export async function implement(behaviour, { cycle, prompt, cwd }) {
  const files = filesFor(behaviour, cycle) ?? writesFor(prompt, cycle);
  if (Object.keys(files).length === 0) {
    const firstLine = prompt.trim().split('\n')[0] ?? '';
    await appendFile(join(cwd, LOG_FILE), `- cycle ${cycle}: ${firstLine.slice(0, 120)}\n`);
    process.stdout.write(`Appended cycle ${cycle} to ${LOG_FILE}.\n`);
    return;
  }
  for (const [path, content] of Object.entries(files)) {
    const target = inside(cwd, path);
    if (content === null) {
      await rm(target, { force: true });
      process.stdout.write(`Deleted ${path}.\n`);
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
    process.stdout.write(`Wrote ${path} (cycle ${cycle}).\n`);
  }
}

function filesFor(behaviour, cycle) {
  if (behaviour.action !== 'edit' || behaviour.files === undefined) return undefined;
  return behaviour.files[String(cycle)] ?? behaviour.files['*'];
}

/** An implementer writes only in its worktree. */
function inside(cwd, path) {
  const target = join(cwd, path);
  const rel = relative(cwd, target);
  if (rel.startsWith('..') || isAbsolute(rel)) {
    process.stderr.write(`scripted-agent: refusing to write ${path}: it is outside the worktree\n`);
    process.exit(1);
  }
  return target;
}
