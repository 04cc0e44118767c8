#!/usr/bin/env node
// `npm run chaos [-- options]`: the randomised version of issue 10's tests, on the real built
// daemon (dist/cli/bin.js) with scripted agents. Per iteration: a fresh repository with six tasks,
// a person process (test/helpers/person.mjs) saving BOARD.md in seven editor styles while the
// daemon runs, and the daemon stopped once: killed -9 at a crash point (CCX_CRASH_AT, picked from a
// traced calibration run, so it works with whatever points the code has), killed -9 at a random
// time, or sent SIGTERM. Then `ccx daemon --once` (bounded) and the checks of check.mjs.
//
//   --seed N          the run's seed (printed; random when absent)
//   --iterations N    how many worlds (default 20)
//   --saves N         the person's saves per world (default 40; 0: no person)
//   --iteration K     run only iteration K of the seed (to reproduce a failure)
//   --kill SPEC       every iteration's stop: point:<name>@<n> | point (random traced point) |
//                     kill9:<ms> | sigterm:<ms> | kill9:turn | sigterm:turn (just after the first turn
//                     started) | none (`daemon --once` races the person, no stop) |
//                     mix (default: 60 % point, 20 % kill9, 20 % sigterm)
//   --symlink MODE    BOARD.md a link to the person's own file: random (1 in 7, default) | always | never
//   --styles a,b      the person's editor styles (default all: inplace,rename,backup,emacs,stale,vscode)
//   --keep            keep every world's folder (else only failed ones are kept with --keep-failed)
//   --keep-failed     keep the folders of worlds that failed a check
//   --once-bound S    how long `ccx daemon --once` may take before it counts as hung (default 120 s)
//
// Prints progress on stderr and one JSON object of figures on stdout; exits 1 when any world failed.
import { mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EDITOR_STYLES, seeded } from '../helpers/person.mjs';
import { checkWorld } from './check.mjs';
import { killAll, makeWorld, processesWithEnv, sleep, startDaemon, startPerson, within } from './world.mjs';

const SIGTERM_BOUND_MS = 20_000;
/** How long a daemon armed with a crash point may go on after the person is done before it gets SIGTERM (the point may be on the way out). */
const POINT_GRACE_MS = 8_000;

const { values } = parseArgs({
  options: {
    seed: { type: 'string' },
    iterations: { type: 'string', default: '20' },
    saves: { type: 'string', default: '40' },
    iteration: { type: 'string' },
    kill: { type: 'string', default: 'mix' },
    symlink: { type: 'string', default: 'random' },
    styles: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'keep-failed': { type: 'boolean', default: false },
    'once-bound': { type: 'string', default: '120' },
  },
});

const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
const iterations = Number(values.iterations);
const saves = Number(values.saves);
const styles = values.styles === undefined ? EDITOR_STYLES : values.styles.split(',');
for (const style of styles) if (!EDITOR_STYLES.includes(style)) throw new Error(`chaos: unknown editor style ${style}; expected ${EDITOR_STYLES.join(', ')}`);
const ONCE_BOUND_MS = Number(values['once-bound']) * 1000;
const only = values.iteration === undefined ? null : Number(values.iteration);
const log = (line) => process.stderr.write(`${line}\n`);

log(`chaos: seed ${seed} (reproduce the run: npm run chaos -- --seed ${seed} --iterations ${iterations} --saves ${saves})`);
const root = await realpath(await mkdtemp(join(tmpdir(), 'ccx-chaos-')));
const figures = {
  seed, iterations: 0, saves: 0, styles: {}, flips: { made: 0, allowed: 0, survived: 0, lost: 0, overtaken: 0, superseded: 0 },
  stale_buffer_retries: 0, stale_reverts: 0, kills: {}, outcomes: { right: 0, wrong: 0 }, checks: {}, orphans: 0, board_missing_seen: 0, failures: [],
};
let exitCode = 0;
try {
  const needsPoints = values.kill === 'mix' || values.kill === 'point';
  const points = needsPoints ? await calibrate(join(root, 'calibration')) : new Map();
  if (needsPoints) log(`chaos: the calibration run reached ${points.size} crash points: ${[...points].map(([name, count]) => `${name}×${count}`).join(', ')}`);
  for (let iteration = 1; iteration <= iterations; iteration += 1) {
    // Separate streams for the stop, the link and the person, so an explicit --kill or --symlink
    // (as the reproduce line gives them) leaves the rest of the iteration as it was.
    const random = seeded(seed * 7919 + iteration);
    const plan = killPlan(seeded(Math.floor(random() * 2 ** 31)), points);
    const linkRoll = random();
    const symlinked = values.symlink === 'always' || (values.symlink === 'random' && linkRoll < 1 / 7);
    if (only !== null && iteration !== only) continue;
    const dir = join(root, `i${iteration}`);
    const started = Date.now();
    const personSeed = Math.floor(random() * 2 ** 31);
    const result = await runIteration(dir, { plan, symlinked, personSeed }).catch(async (error) => {
      // The harness itself failed (git, a folder): say so as a failure of this iteration and go on.
      killAll(await processesWithEnv('CCX_DATA_HOME', join(dir, 'data')));
      return { failures: [{ check: 'harness', message: error instanceof Error ? error.stack ?? error.message : String(error) }], flips: [], orphans: [], saves: 0, boardMissingSeen: 0, killed: 'harness failed', styles: {}, made: 0, staleRetries: 0, staleReverts: 0 };
    });
    figures.iterations += 1;
    figures.saves += result.saves;
    for (const [style, count] of Object.entries(result.styles)) figures.styles[style] = (figures.styles[style] ?? 0) + count;
    for (const flip of result.flips) {
      figures.flips.allowed += 1;
      figures.flips[flip.verdict] += 1;
    }
    figures.flips.made += result.made;
    figures.stale_buffer_retries += result.staleRetries;
    figures.stale_reverts += result.staleReverts;
    figures.kills[result.killed] = (figures.kills[result.killed] ?? 0) + 1;
    figures.orphans += result.orphans.length;
    figures.board_missing_seen += result.boardMissingSeen;
    const lostFlips = result.flips.filter((flip) => flip.verdict === 'lost');
    const failures = [...result.failures, ...lostFlips.map((flip) => ({ check: 'flip-lost', task: flip.id, message: `${flip.id}: the person's ${flip.from} → ${flip.to} (save ${flip.n}, ${flip.style}) was not taken${flip.why === undefined ? '' : `: ${flip.why}`}` }))];
    for (const failure of failures) figures.checks[failure.check] = (figures.checks[failure.check] ?? 0) + 1;
    const right = failures.length === 0;
    figures.outcomes[right ? 'right' : 'wrong'] += 1;
    if (!right) {
      exitCode = 1;
      if (figures.failures.length < 5) {
        figures.failures.push({
          iteration,
          reproduce: `npm run chaos -- --seed ${seed} --iteration ${iteration} --saves ${saves} --kill ${plan.spec} --symlink ${symlinked ? 'always' : 'never'}${values.styles === undefined ? '' : ` --styles ${values.styles}`}`,
          stop: result.killed,
          symlinked,
          failures: failures.slice(0, 8).map((failure) => `${failure.check}: ${failure.message}`),
          ...(values['keep-failed'] || values.keep ? { kept: dir } : {}),
        });
      }
    }
    log(`chaos: iteration ${iteration}: ${right ? 'right' : `WRONG (${[...new Set(failures.map((failure) => failure.check))].join(', ')})`}; stop ${result.killed}${symlinked ? ', symlinked board' : ''}; ${result.saves} saves, ${result.made} flips; ${((Date.now() - started) / 1000).toFixed(1)} s`);
    if (!values.keep && !(values['keep-failed'] && !right)) await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  }
} finally {
  if (!values.keep && !values['keep-failed']) await rm(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
}
process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
process.exitCode = exitCode;

/** One run to the end with CCX_CRASH_TRACE set and the person saving: the crash points a run reaches, with how often. */
async function calibrate(dir) {
  const random = seeded(seed);
  const world = await makeWorld(dir, { random, symlinked: false });
  const trace = join(dir, 'trace.txt');
  const person = saves > 0 ? await startPerson(world, personConfig(Math.floor(random() * 2 ** 31), Math.min(saves, 15))) : null;
  const daemon = startDaemon(world, ['--once'], { CCX_CRASH_TRACE: trace });
  await person?.exit;
  await within(daemon.exit, ONCE_BOUND_MS, null);
  killAll([daemon.child.pid, ...(await processesWithEnv('CCX_DATA_HOME', world.dataHome))]);
  const counts = new Map();
  for (const name of (await readFile(trace, 'utf8').catch(() => '')).split('\n')) if (name !== '') counts.set(name, (counts.get(name) ?? 0) + 1);
  if (!values.keep) await rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  return counts;
}

function killPlan(random, points) {
  const spec = values.kill === 'mix' ? (() => {
    const pick = random();
    return pick < 0.6 ? 'point' : pick < 0.8 ? 'kill9' : 'sigterm';
  })() : values.kill;
  const at = 300 + Math.floor(random() * Math.max(1_000, Math.min(12_000, saves * 200)));
  if (spec === 'point') {
    const names = [...points.keys()].sort();
    if (names.length === 0) return { kind: 'kill9', at, spec: `kill9:${at}` };
    const name = names[Math.floor(random() * names.length)];
    const nth = 1 + Math.floor(random() * points.get(name));
    return { kind: 'point', point: `${name}@${nth}`, spec: `point:${name}@${nth}` };
  }
  if (spec === 'none') return { kind: 'none', spec };
  const [kind, arg] = spec.split(/:(.*)/s);
  if (kind === 'point') return { kind, point: arg, spec };
  if ((kind === 'kill9' || kind === 'sigterm') && arg === 'turn') return { kind, at: 'turn', spec };
  if (kind === 'kill9' || kind === 'sigterm') {
    const ms = arg === undefined ? at : Number(arg);
    return { kind, at: ms, spec: `${kind}:${ms}` };
  }
  throw new Error(`chaos: --kill ${spec}? expected mix, none, point, point:<name>@<n>, kill9[:<ms>|turn] or sigterm[:<ms>|turn]`);
}

function personConfig(personSeed, count) {
  return { seed: personSeed, saves: count, styles, token: `p${personSeed.toString(36)}`, gapMs: [40, 300], typingMs: [0, 150], staleMs: [1_000, 4_000], emacsHoldMs: [200, 1_500] };
}

async function runIteration(dir, { plan, symlinked, personSeed }) {
  const world = await makeWorld(dir, { random: seeded(personSeed ^ 0x5bd1e995), symlinked });
  const person = saves > 0 ? await startPerson(world, personConfig(personSeed, saves)) : null;
  const personDone = person === null ? Promise.resolve() : person.exit;
  const daemon = startDaemon(world, plan.kind === 'none' ? ['--once'] : [], plan.kind === 'point' ? { CCX_CRASH_AT: plan.point } : {});
  let killed;
  if (plan.kind === 'none') {
    // No stop: `daemon --once` races the person; a second one takes what the person did after it returned.
    await within(Promise.all([personDone, daemon.exit]), 5 * 60_000, null);
    daemon.child.kill('SIGKILL');
    killed = 'none';
  } else if (plan.kind === 'point') {
    const exit = await Promise.race([daemon.exit, personDone.then(() => within(daemon.exit, POINT_GRACE_MS, null))]);
    const point = plan.point.replace(/@\d+$/, '');
    if (exit?.signal === 'SIGKILL') killed = `kill -9 at ${point}`;
    else if (exit !== null) killed = `daemon exited by itself (${exit.code ?? exit.signal})`;
    else {
      // Not reached while it ran: some points are only on the way out (shutdown), so stop it cleanly.
      daemon.child.kill('SIGTERM');
      const stopped = await within(daemon.exit, SIGTERM_BOUND_MS, null);
      if (stopped?.signal === 'SIGKILL') killed = `kill -9 at ${point} (in the SIGTERM shutdown)`;
      else {
        if (stopped === null) daemon.child.kill('SIGKILL');
        await daemon.exit;
        killed = 'crash point not reached: SIGTERM once the person was done';
      }
    }
  } else {
    const exit = plan.at === 'turn' ? await Promise.race([daemon.exit, turnStarted(world).then(() => null)]) : await within(daemon.exit, plan.at, null);
    if (exit !== null) killed = `daemon exited by itself (${exit.code ?? exit.signal})`;
    else if (plan.kind === 'kill9') {
      daemon.child.kill('SIGKILL');
      await daemon.exit;
      killed = plan.at === 'turn' ? 'kill -9 mid-turn' : 'kill -9 at a random time';
    } else {
      daemon.child.kill('SIGTERM');
      const stopped = await within(daemon.exit, SIGTERM_BOUND_MS, null);
      if (stopped === null) {
        daemon.child.kill('SIGKILL');
        await daemon.exit;
        killed = 'SIGTERM (did not exit; kill -9)';
      } else killed = plan.at === 'turn' ? 'SIGTERM mid-turn' : 'SIGTERM at a random time';
    }
  }
  await within(personDone, 5 * 60_000, null);
  person?.child.kill('SIGKILL');

  const once = startDaemon(world, ['--once']);
  const onceExit = await within(once.exit, ONCE_BOUND_MS, null);
  if (onceExit === null) {
    once.child.kill('SIGKILL');
    await once.exit;
  }
  // Give agents stopped by the daemon's last act a moment to be gone before counting them.
  await sleep(300);
  const checked = await checkWorld(world, { onceExit: onceExit === null ? { hung: true } : { ...onceExit, output: once.output() } });
  killAll(await processesWithEnv('CCX_DATA_HOME', world.dataHome));
  const records = (await readFile(world.personLog ?? '/nonexistent', 'utf8').catch(() => '')).split('\n').filter((line) => line !== '').map((line) => JSON.parse(line));
  const styleCounts = {};
  for (const record of records) {
    if (record.type !== 'save') continue;
    const style = record.linked ? `symlink (${record.style})` : record.style;
    styleCounts[style] = (styleCounts[style] ?? 0) + 1;
  }
  return {
    ...checked,
    killed,
    styles: styleCounts,
    made: records.filter((record) => record.type === 'intent' && record.deliberate).length,
    // Status changes a stale buffer carried: ones a person could have made (blocked → pending), and reverts ccx must put right.
    staleRetries: records.filter((record) => record.type === 'intent' && !record.deliberate && record.legal).length,
    staleReverts: records.filter((record) => record.type === 'intent' && !record.deliberate && !record.legal).length,
  };
}

/** Resolves once the first agent turn has started and run for a moment (audit.jsonl's turn.started). */
async function turnStarted(world) {
  for (;;) {
    const text = await readFile(world.audit, 'utf8').catch(() => '');
    if (text.includes('"event":"turn.started"')) break;
    await sleep(50);
  }
  await sleep(150);
}
