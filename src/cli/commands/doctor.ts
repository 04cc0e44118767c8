import { currentDoctorHost, doctorFailed, runDoctor, type CheckResult } from '../../doctor/index.js';
import { booleanOption, type Command } from '../command.js';

const LABELS = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' } as const;

export const doctor: Command = {
  usage: 'ccx doctor [--json]',
  details: `One line per check, ok / warn / FAIL, each problem with its fix:
  node 20.19 or newer; git 2.38 or newer; claude and codex found (CCX_CLAUDE_BIN / CCX_CODEX_BIN or
  PATH), their versions, and whether they are logged in where the CLI can tell (\`claude auth status\`,
  \`codex login status\`), each only when an initialised repository uses it (or none is initialised);
  the CCX_* variables; the data root writable; each initialised repository's config.yaml and
  model-ladder.json (every problem at its line:column, with a did-you-mean for a mistyped key), its
  command agents' programs (argv[0] exists and is executable) and its test command's program; the
  service installed and running; linger on Linux. Nothing is changed.
Exit 0 when nothing failed (warnings allowed), 1 otherwise.

Options:
  --json   the checks as a JSON array of {level, name, message, fix}`,
  options: { json: { type: 'boolean' } },
  positionals: { min: 0, max: 0 },
  async run({ values, io }) {
    const results = await runDoctor(currentDoctorHost(io.env, io.cwd));
    if (booleanOption(values, 'json')) io.stdout(`${JSON.stringify(results, null, 2)}\n`);
    else io.stdout(format(results));
    return doctorFailed(results) ? 1 : 0;
  },
};

function format(results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((result) => result.name.length));
  const lines = results.flatMap((result) => {
    const line = `${LABELS[result.level]}  ${result.name.padEnd(width)}  ${result.message}`;
    return result.fix === undefined || result.level === 'ok' ? [line] : [line, `${' '.repeat(width + 8)}fix: ${result.fix}`];
  });
  const failed = results.filter((result) => result.level === 'fail').length;
  const warned = results.filter((result) => result.level === 'warn').length;
  const summary = failed === 0 ? (warned === 0 ? 'All good.' : `Nothing failed; ${warned} warning${warned === 1 ? '' : 's'}.`) : `${failed} check${failed === 1 ? '' : 's'} failed${warned === 0 ? '' : `, ${warned} warning${warned === 1 ? '' : 's'}`}.`;
  return `${[...lines, '', summary].join('\n')}\n`;
}
