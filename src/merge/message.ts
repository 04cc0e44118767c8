import { CcxError } from '../errors.js';

export const TASK_TRAILER = 'Ccx-Task';
const TRAILER_KEY = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

export interface SquashMessageInput {
  id: string;
  title: string;
  /** What the merge summarises (cycles, verdicts, skipped findings); may be empty. */
  body: string;
  trailers?: Readonly<Record<string, string>>;
  /** The subject line (config.yaml commit_subject); absent: `T-<n>: <title>`. */
  subject?: string;
}

/** `T-<n>: <title>`: the subject of a task's squash commit. */
export function squashSubject(id: string, title: string): string {
  return `${id}: ${title.replace(/\s*[\r\n]+\s*/g, ' ').trim()}`;
}

/**
 * Subject, blank line, body, blank line, then `Key: value` trailers, the last always
 * `Ccx-Task: T-<n>` so that a landed task can be found again (`git interpret-trailers --parse`).
 */
export function squashMessage(input: SquashMessageInput): string {
  const trailers = { ...input.trailers, [TASK_TRAILER]: input.id };
  const lines: string[] = [];
  for (const [key, value] of Object.entries(trailers)) {
    if (!TRAILER_KEY.test(key)) {
      throw new CcxError('GIT_FAILED', `the trailer key ${JSON.stringify(key)} is not valid: expected letters, digits and dashes, such as Reviewed-by.`);
    }
    lines.push(`${key}: ${value.replace(/\s*[\r\n]+\s*/g, ' ').trim()}`);
  }
  const body = input.body.replace(/\s+$/, '');
  const subject = input.subject?.replace(/\s*[\r\n]+\s*/g, ' ').trim() || squashSubject(input.id, input.title);
  const parts = [subject, ...(body === '' ? [] : [body]), lines.join('\n')];
  return `${parts.join('\n\n')}\n`;
}
