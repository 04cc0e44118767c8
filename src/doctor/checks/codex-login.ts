import { firstLine, probe } from '../run-tool.js';
import type { CheckResult, DoctorHost } from '../types.js';

const NAME = 'codex login';

/** How codex says it is logged in, without the masked key it prints (part of a key is still part of a key). */
function method(output: string): string {
  if (/api key/i.test(output)) return ' with an API key';
  if (/chatgpt/i.test(output)) return ' with ChatGPT';
  return '';
}

/** `codex login status`: exit 0 when logged in (ChatGPT or an API key), "Not logged in" and exit 1 when not. */
export async function checkCodexLogin(host: DoctorHost, path: string): Promise<CheckResult> {
  const result = await probe(path, ['login', 'status'], host);
  const said = firstLine(result);
  if (result.exitCode === 0) return { level: 'ok', name: NAME, message: `logged in${method(result.output)} (says \`codex login status\`)` };
  if (/not logged in/i.test(result.output)) {
    return {
      level: 'fail',
      name: NAME,
      message: 'codex is not logged in (says `codex login status`)',
      fix: 'Run `codex login` (or pipe an API key to `codex login --with-api-key`).',
    };
  }
  const how = result.timedOut ? `it did not answer within ${host.timeoutMs / 1000} s` : `it said: ${said}`;
  return { level: 'warn', name: NAME, message: `cannot tell: \`codex login status\` gave no answer ccx knows (${how})`, fix: 'If reviews fail with "not logged in", run `codex login`.' };
}
