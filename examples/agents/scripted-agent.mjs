#!/usr/bin/env node
/**
 * A scripted ccx agent (type `command`, SPEC 8) for tests and the demo. No model: it really edits
 * files as implementer and really prints verdict JSON as reviewer, as its scenario says.
 *
 *   config.yaml:  implementer: {type: command, argv: [node, /abs/examples/agents/scripted-agent.mjs, <scenario>]}
 *                 reviewer:    {type: command, argv: [node, /abs/examples/agents/scripted-agent.mjs, <scenario>]}
 *
 * <scenario> (argv[2], else $CCX_SCENARIO, else the default) is a built-in name or a path to a
 * JSON scenario file (see scripted/scenario.mjs for both). It reads CCX_ROLE and CCX_CYCLE, the
 * prompt on stdin, and works in its current directory (the worktree).
 *
 * Built-in names: approve, approve-at-<k>, defect-then-fix, stuck, garbage, status-done,
 * status-issues, and the misbehaviours crash, hang, limit, limit-once, grandchild (the reviewer
 * misbehaves; prefix `implementer-` for the implementer, e.g. implementer-crash).
 *
 * With no edits given, the implementer follows ```write <path>``` blocks in the prompt (```write@2
 * <path>``` from cycle 2 on), else appends a line to SCRIPTED-AGENT.md; the reviewer follows
 * ```check <path>``` blocks ({"pattern", "severity", "title", "body", …}) and approves when no
 * check finds anything.
 *
 * A planning turn (`ccx plan`: CCX_PHASE=plan, the try in CCX_ATTEMPT) follows the scenario's
 * "planner": {"action": "plan", "answers": [<try 1>, <try 2>]} and prints that try's plan.
 *
 * With $CCX_SCRIPTED_LOG set, each turn appends one JSON line there first (role, cycle, phase,
 * session, $CCX_SCRIPTED_NAME, prompt bytes), so a test can see who ran which turn and how.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { delayIn } from './scripted/blocks.mjs';
import { implement } from './scripted/implementer.mjs';
import { misbehave } from './scripted/misbehave.mjs';
import { plan } from './scripted/planner.mjs';
import { review } from './scripted/reviewer.mjs';
import { behaviourFor, loadScenario } from './scripted/scenario.mjs';
import { appendFile } from 'node:fs/promises';

// A `ccx plan` turn runs in the reviewer role with CCX_PHASE=plan; its try is CCX_ATTEMPT.
const planning = process.env.CCX_PHASE === 'plan';
const role = planning ? 'planner' : process.env.CCX_ROLE === 'reviewer' ? 'reviewer' : 'implementer';
const cycle = Math.max(1, Number.parseInt((planning ? process.env.CCX_ATTEMPT : process.env.CCX_CYCLE) ?? '1', 10) || 1);
const prompt = await readStdin();
const scenario = await loadScenario(process.argv[2] ?? process.env.CCX_SCENARIO);
const behaviour = behaviourFor(scenario, role, cycle);
if (process.env.CCX_SCRIPTED_LOG) await appendFile(process.env.CCX_SCRIPTED_LOG, `${JSON.stringify(turnRecord())}\n`);

await sleep(delayIn(prompt));
if (!(await misbehave(behaviour, role))) {
  // After a misbehaviour's "times" (or a grandchild left behind), the agent does its "then".
  const act = behaviour.then ?? behaviour;
  if (role === 'planner') plan(act, { attempt: cycle });
  else if (role === 'implementer') await implement(act, { cycle, prompt, cwd: process.cwd() });
  else await review(act, { cycle, prompt, cwd: process.cwd() });
}

function turnRecord() {
  const env = process.env;
  return {
    name: env.CCX_SCRIPTED_NAME ?? null, role, cycle, phase: env.CCX_PHASE ?? null, task: env.CCX_TASK_ID ?? null,
    session: env.CCX_SESSION_ID ?? null, resume: env.CCX_SESSION_RESUME ?? null, model: env.CCX_MODEL ?? null, effort: env.CCX_EFFORT ?? null,
    promptBytes: Buffer.byteLength(prompt),
  };
}

function readStdin() {
  return new Promise((resolve) => {
    let text = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk) => (text += chunk));
    process.stdin.on('end', () => resolve(text));
  });
}
