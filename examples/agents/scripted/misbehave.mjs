// The ways an agent goes wrong: garbage, crash, hang, usage limit, a stubborn grandchild.
import { spawn } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Misbehaves as `behaviour` says and returns true, or returns false to let the agent behave. */
export async function misbehave(behaviour, role) {
  if (!['garbage', 'crash', 'hang', 'limit', 'grandchild'].includes(behaviour.action)) return false;
  if (behaviour.times !== undefined && (await countTurn(role, behaviour.action)) > behaviour.times) return false;
  switch (behaviour.action) {
    case 'garbage':
      process.stdout.write('}}} this is not a verdict {{{\n');
      return true;
    case 'crash':
      process.stderr.write(`${behaviour.message ?? 'scripted-agent: crashing, as the scenario says'}\n`);
      process.exitCode = behaviour.exitCode ?? 1;
      return true;
    case 'hang':
      setInterval(() => {}, 1 << 30);
      await new Promise(() => {});
      break;
    case 'limit':
      process.stderr.write(`usage limit reached (scripted)\nretry-after: ${behaviour.retryAfter ?? '60'}\n`);
      process.exitCode = 75;
      return true;
    case 'grandchild':
      return leaveGrandchild(behaviour);
  }
  return true;
}

/** A grandchild in the agent's process group that ignores SIGTERM and holds stdout/stderr open. */
async function leaveGrandchild(behaviour) {
  const child = spawn(process.execPath, ['-e', "process.on('SIGTERM', () => {}); setInterval(() => {}, 1 << 30);"], { stdio: ['ignore', 'inherit', 'inherit'] });
  process.stderr.write(`grandchild ${child.pid}\n`);
  child.unref();
  if (behaviour.wait === true) {
    // Keep this process alive too (the grandchild is unref'd): a bare pending promise would let Node exit 13.
    setInterval(() => {}, 1 << 30);
    await new Promise(() => {});
  }
  return false; // then answer normally; the grandchild stays behind for ccx to stop
}

/** Counts this role's turns with this misbehaviour; the count survives across processes. */
async function countTurn(role, action) {
  const file = process.env.CCX_SCRIPTED_STATE ?? (process.env.CCX_STATE_DIR ? join(process.env.CCX_STATE_DIR, 'scripted-agent.json') : undefined);
  if (file === undefined) return 1;
  const counts = JSON.parse(await readFile(file, 'utf8').catch(() => '{}'));
  const key = `${process.env.CCX_TASK_ID ?? '-'}:${role}:${action}`;
  counts[key] = (counts[key] ?? 0) + 1;
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(counts));
  return counts[key];
}
