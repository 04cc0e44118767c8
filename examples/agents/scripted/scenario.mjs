// Scenarios: what each role does, per cycle. A scenario file is JSON:
//
//   { "implementer": <behaviour>, "reviewer": <behaviour>, "planner": <behaviour> }
//
// "planner" answers `ccx plan` turns (CCX_PHASE=plan); its "cycle" is the try (CCX_ATTEMPT, 1 or 2).
//
// A behaviour is { "action": …, …parameters, "cycles"?: { "<k>": <behaviour> }, "times"?: n, "then"?: <behaviour> }:
//   edit        implementer: "files": { "<cycle>" | "*": { "<path>": "<content>" | null (delete) } }
//   approve-at  reviewer: needs-attention with a new finding each cycle until "cycle" (default 1), then approve
//   inspect     reviewer: "checks": [{ "file", "pattern" (a regex), "severity", "title", "body",
//               "recommendation", "confidence" }] plus the prompt's check blocks; approve when none matches
//   plan        planner: "answers": [<try 1>, <try 2>, …] (or "answer": <every try>); an object is
//               printed as JSON, a string verbatim (malformed JSON on purpose); later tries get the last
//   stuck       reviewer: the same finding every cycle
//   status      reviewer: a plain-text "STATUS: <status>" answer ("DONE" | "ISSUES_FOUND") with "text"
//   garbage     prints text that is neither a verdict nor a STATUS line, exits 0
//   crash       exits "exitCode" (default 1) with "message" on stderr
//   hang        sleeps until killed
//   limit       exits 75 with `retry-after: <"retryAfter", default 60>` on stderr
//   grandchild  leaves a grandchild that ignores SIGTERM (pid on stderr), then answers as "then"
//               (or hangs too with "wait": true)
// "cycles" overrides the behaviour for one cycle. "times": n misbehaves n times, then behaves as
// "then"; the count is kept in $CCX_SCRIPTED_STATE, else $CCX_STATE_DIR/scripted-agent.json.
import { readFile } from 'node:fs/promises';

const RANGE_DOC = '// Returns the integers from start to end, both included: range(1, 3) is [1, 2, 3].\n';
const BUGGY_RANGE = `${RANGE_DOC}export function range(start, end) {\n  const out = [];\n  for (let i = start; i < end; i++) out.push(i);\n  return out;\n}\n`;
const FIXED_RANGE = BUGGY_RANGE.replace('i < end', 'i <= end');

const MISBEHAVIOURS = ['crash', 'hang', 'limit', 'limit-once', 'grandchild', 'garbage'];

export const BUILT_IN = {
  approve: { reviewer: { action: 'approve-at', cycle: 1 } },
  'defect-then-fix': {
    implementer: { action: 'edit', files: { 1: { 'src/range.js': BUGGY_RANGE }, '*': { 'src/range.js': FIXED_RANGE } } },
    reviewer: {
      action: 'inspect',
      checks: [{
        file: 'src/range.js',
        pattern: 'i < end',
        severity: 'high',
        title: 'range() drops its last element',
        body: 'The loop runs while i < end, so range(1, 3) returns [1, 2], yet the comment promises both ends included.',
        recommendation: 'Loop while i <= end.',
        confidence: 0.95,
      }],
    },
  },
  stuck: { reviewer: { action: 'stuck' } },
  'status-done': { reviewer: { action: 'status', status: 'DONE' } },
  'status-issues': { reviewer: { action: 'status', status: 'ISSUES_FOUND', text: 'The README is missing a usage section.' } },
};

/** A built-in name, a path to a JSON file, or nothing (the default: edit from the prompt, inspect). */
export async function loadScenario(source) {
  if (source === undefined || source.trim() === '') return {};
  if (source.endsWith('.json') || source.includes('/')) return JSON.parse(await readFile(source, 'utf8'));
  const approveAt = /^approve-at-(\d+)$/.exec(source);
  if (approveAt) return { reviewer: { action: 'approve-at', cycle: Number(approveAt[1]) } };
  if (BUILT_IN[source]) return BUILT_IN[source];
  const misbehaviour = /^(?:(implementer|reviewer)-)?(.+)$/.exec(source);
  if (misbehaviour && MISBEHAVIOURS.includes(misbehaviour[2])) {
    const role = misbehaviour[1] ?? 'reviewer';
    const action = misbehaviour[2] === 'limit-once' ? { action: 'limit', retryAfter: '1', times: 1 } : { action: misbehaviour[2] };
    return { [role]: action };
  }
  process.stderr.write(`scripted-agent: unknown scenario ${JSON.stringify(source)}; expected a built-in name (${[...Object.keys(BUILT_IN), 'approve-at-<k>', ...MISBEHAVIOURS].join(', ')}) or a .json file\n`);
  process.exit(2);
}

/** The behaviour of `role` in `cycle`: the per-cycle override, else the role's, else the default. */
export function behaviourFor(scenario, role, cycle) {
  const base = scenario[role] ?? { action: role === 'implementer' ? 'edit' : 'inspect' };
  return base.cycles?.[String(cycle)] ?? base;
}
