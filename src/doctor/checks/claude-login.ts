import { join } from 'node:path';
import { fileExists } from '../../fs/exists.js';
import { probe } from '../run-tool.js';
import type { CheckResult, DoctorHost } from '../types.js';

const NAME = 'claude login';
const LOGIN_FIX = 'Run `claude` in a terminal and type /login (or set CLAUDE_CODE_OAUTH_TOKEN from `claude setup-token`, or ANTHROPIC_API_KEY).';
/** Variables Claude Code takes a credential from. Their values are never read, only whether they are set. */
const CREDENTIAL_VARIABLES = ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'CLAUDE_CODE_OAUTH_TOKEN'] as const;

/** `claude auth status` where this claude has it (JSON, local, fast); else what can be seen from outside. */
export async function checkClaudeLogin(host: DoctorHost, path: string): Promise<CheckResult> {
  const status = authStatus((await probe(path, ['auth', 'status'], host)).output);
  if (status !== null) {
    if (status.loggedIn) return { level: 'ok', name: NAME, message: `logged in (${status.method}, says \`claude auth status\`)` };
    return { level: 'fail', name: NAME, message: 'claude is not logged in (says `claude auth status`)', fix: LOGIN_FIX };
  }
  const variable = CREDENTIAL_VARIABLES.find((name) => (host.env[name] ?? '') !== '');
  const configDir = nonEmpty(host.env['CLAUDE_CONFIG_DIR']) ?? join(host.home, '.claude');
  const credentials = join(configDir, '.credentials.json');
  const unsure = 'this claude has no `auth status`, so this is as far as ccx can tell';
  if (variable !== undefined) return { level: 'ok', name: NAME, message: `${variable} is set (${unsure})` };
  if (await fileExists(credentials)) return { level: 'ok', name: NAME, message: `credentials in ${credentials} (${unsure})` };
  if (host.platform === 'darwin') {
    return { level: 'warn', name: NAME, message: 'cannot tell: this claude has no `auth status`, and on macOS it keeps its login in the Keychain', fix: `If turns fail with "Not logged in": ${LOGIN_FIX}` };
  }
  return {
    level: 'warn',
    name: NAME,
    message: `cannot tell: this claude has no \`auth status\`; there is no ${credentials}, and ${CREDENTIAL_VARIABLES.join(', ')} are not set`,
    fix: `If turns fail with "Not logged in": ${LOGIN_FIX}`,
  };
}

function authStatus(output: string): { loggedIn: boolean; method: string } | null {
  const start = output.indexOf('{');
  if (start === -1) return null;
  try {
    const value = JSON.parse(output.slice(start, output.lastIndexOf('}') + 1)) as { loggedIn?: unknown; authMethod?: unknown; apiKeySource?: unknown };
    if (typeof value.loggedIn !== 'boolean') return null;
    const method = [value.authMethod, value.apiKeySource].filter((part) => typeof part === 'string' && part !== '' && part !== 'none').join(' from ');
    return { loggedIn: value.loggedIn, method: method === '' ? 'method not given' : method };
  } catch {
    return null;
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
