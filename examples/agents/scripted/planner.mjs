// The planner: answers a `ccx plan` turn (CCX_PHASE=plan) with the scenario's plan for this try.

/**
 * Prints answers[try - 1] (the last one for later tries): an object or array is printed as JSON,
 * a string verbatim, so a scenario can give malformed JSON on purpose.
 */
export function plan(behaviour, { attempt }) {
  const answers = behaviour.answers ?? (behaviour.answer === undefined ? [] : [behaviour.answer]);
  if (behaviour.action !== 'plan' || answers.length === 0) {
    process.stderr.write('scripted-agent: a planning turn needs a scenario with "planner": {"action": "plan", "answers": [<try 1>, <try 2>]}\n');
    process.exitCode = 2;
    return;
  }
  const answer = answers[Math.min(attempt, answers.length) - 1];
  process.stdout.write(typeof answer === 'string' ? answer : `${JSON.stringify(answer, null, 2)}\n`);
}
