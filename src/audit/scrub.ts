/**
 * What the audit log keeps of a failure (SPEC 11: no prompt text, no environment values, no agent
 * stderr). A reason is cut to its first line; the words an agent said, which ccx's messages quote
 * as `it said: "…"` or `saying: "…"`, are withheld (they may echo the prompt; the full text is in
 * runs/, 0600); the values of the environment's variables and anything shaped like a secret are
 * replaced; what is left is at most MAX_REASON_BYTES.
 */
export const MAX_REASON_BYTES = 300;
export const WITHHELD = '[withheld from the audit log; the full output is in runs/]';

/** A quoted agent text: a JSON string literal after "it said: " or "saying: " (cut short, it may lack its closing quote). */
const AGENT_WORDS = /((?:it said|saying): )"(?:[^"\\]|\\.)*(?:"|$)/g;
/** Environment values shorter than this are ordinary words (1, true, main, vim). */
const MIN_ENV_VALUE_CHARS = 8;
const SECRET_SHAPES: ReadonlyArray<[RegExp, string]> = [
  [/\b([A-Za-z0-9_]*(?:token|secret|passw(?:or)?d|api[_-]?key|credential|auth)[A-Za-z0-9_]*)(\s*[=:]\s*)("[^"]*"|'[^']*'|\S+)/gi, '$1$2[redacted]'],
  [/\b(bearer|basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 [redacted]'],
  [/\b(?:sk|pk|rk)-[A-Za-z0-9_-]{12,}/g, '[redacted]'],
  [/\bgh[pousr]_[A-Za-z0-9]{16,}/g, '[redacted]'],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/g, '[redacted]'],
  [/\bAKIA[0-9A-Z]{16}\b/g, '[redacted]'],
  [/\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/g, '[redacted]'],
];
/** A long run of letters and digits (both): a key, unless it is a git object id or words run together (looksLikeKey). */
const LONG_TOKEN = /[A-Za-z0-9+/_=-]{32,}/g;

export function scrubReason(text: string, env: NodeJS.ProcessEnv = process.env): string {
  let line = (text.split('\n').find((candidate) => candidate.trim() !== '') ?? '').trim();
  line = line.replace(AGENT_WORDS, `$1${WITHHELD}`);
  line = withoutEnvValues(line, env);
  for (const [shape, replacement] of SECRET_SHAPES) line = line.replace(shape, replacement);
  // A path is kept (the paths ccx names are what a reader needs); each of its parts is judged alone.
  line = line.replace(LONG_TOKEN, (token) => token.split('/').map((part) => (looksLikeKey(part) ? '[redacted]' : part)).join('/'));
  return cutBytes(line, MAX_REASON_BYTES);
}

/** Every variable's value (longest first, so one inside another goes whole), except paths, which are not secrets. */
function withoutEnvValues(line: string, env: NodeJS.ProcessEnv): string {
  const values = Object.entries(env)
    .filter((entry): entry is [string, string] => typeof entry[1] === 'string' && entry[1].length >= MIN_ENV_VALUE_CHARS && !isPathLike(entry[1]))
    .sort((a, b) => b[1].length - a[1].length);
  let scrubbed = line;
  for (const [name, value] of values) if (scrubbed.includes(value)) scrubbed = scrubbed.split(value).join(`[$${name}]`);
  return scrubbed;
}

/** Words (capitalised, lower or all capitals) and numbers: what a file, test or script name is made of. */
const LETTER_WORDS = /[A-Z]?[a-z]+|[A-Z]+(?![a-z])/g;
const NUMBERS = /\d+/g;

/**
 * 32 or more letters and digits (both), not a git object id, and not words run together (a file
 * or test name such as UserProfileSettingsPanel2Container or test_user_profile_2: its words, and
 * its words and numbers together, average 4 characters or more, where a random key's runs of one
 * kind of character are short; about 1 random key in 4,000 passes for words).
 */
function looksLikeKey(part: string): boolean {
  if (part.length < 32 || !/\d/.test(part) || !/[A-Za-z]/.test(part) || /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(part)) return false;
  const words = part.match(LETTER_WORDS) ?? [];
  const numbers = part.match(NUMBERS) ?? [];
  return averageLength(words) < 4 || averageLength([...words, ...numbers]) < 4;
}

function averageLength(runs: readonly string[]): number {
  return runs.length === 0 ? 0 : runs.reduce((sum, run) => sum + run.length, 0) / runs.length;
}

function isPathLike(value: string): boolean {
  return value.startsWith('/') || value.startsWith('~/') || /^[A-Za-z]:\\/.test(value);
}

function cutBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text) <= maxBytes) return text;
  let cut = text.slice(0, maxBytes);
  while (Buffer.byteLength(`${cut}…`) > maxBytes) cut = cut.slice(0, -1);
  return `${cut}…`;
}
