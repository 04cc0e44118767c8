import type { TurnOutcome } from '../../agents/index.js';
import { SEVERITIES } from '../../board/types.js';
import type { Finding, Verdict } from '../types.js';

export interface ReviewAnswer {
  verdict: Verdict;
  summary: string;
  findings: Finding[];
  nextSteps: string[];
  /** How it was read: structured output, JSON text, a fenced ```json block, or a `STATUS:` line; malformed: not at all (twice). */
  form: 'structured' | 'json' | 'fenced' | 'status-line' | 'malformed';
}

export type ReadVerdict = { ok: true; answer: ReviewAnswer } | { ok: false; problem: string };

/** A plain-text ISSUES_FOUND answer becomes one finding of this severity, so no filter drops it silently. */
export const STATUS_LINE_SEVERITY = 'high';
/** A finding that gives no confidence is taken as the reviewer's full confidence. */
export const DEFAULT_CONFIDENCE = 1;

/** A ```json block (as ccx-loop's Claude reviewer answers); the last one when there are several. */
const FENCED_JSON = /^[ \t]*```json[ \t]*\r?\n([\s\S]*?)^[ \t]*```[ \t]*$/gm;

/**
 * A review turn's answer (SPEC 6): the structured output or JSON text (bare, or in a fenced ```json
 * block), validated here since codex does not; else the first non-empty line `STATUS: DONE` /
 * `STATUS: ISSUES_FOUND`. Anything else is malformed, and `problem` says what was wrong.
 */
export function readVerdict(outcome: Pick<TurnOutcome, 'structured' | 'text'>): ReadVerdict {
  if (isObject(outcome.structured)) return validateVerdict(outcome.structured, 'structured');
  const text = outcome.text.trim();
  if (text.startsWith('{')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return { ok: false, problem: `its answer starts like JSON but does not parse (${(error as Error).message})` };
    }
    return validateVerdict(parsed, 'json');
  }
  const fenced = [...text.matchAll(FENCED_JSON)].at(-1)?.[1];
  if (fenced !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(fenced);
    } catch (error) {
      return { ok: false, problem: `its \`\`\`json block does not parse (${(error as Error).message})` };
    }
    return validateVerdict(parsed, 'fenced');
  }
  const lines = text.split('\n');
  const first = (lines.find((line) => line.trim() !== '') ?? '').trim();
  const status = /^STATUS:\s*(DONE|ISSUES_FOUND)\s*$/.exec(first);
  if (status === null) {
    const shown = first === '' ? 'nothing' : JSON.stringify(first.length > 120 ? `${first.slice(0, 120)}…` : first);
    return { ok: false, problem: `its answer is neither the verdict JSON nor a first line "STATUS: DONE" / "STATUS: ISSUES_FOUND"; its first line is ${shown}` };
  }
  if (status[1] === 'DONE') return { ok: true, answer: { verdict: 'approve', summary: '', findings: [], nextSteps: [], form: 'status-line' } };
  const rest = text.slice(text.indexOf(first) + first.length).trim();
  const finding: Finding = {
    severity: STATUS_LINE_SEVERITY,
    title: 'The reviewer reported issues',
    body: rest === '' ? 'The reviewer answered STATUS: ISSUES_FOUND without details.' : rest,
    file: '',
    lineStart: null,
    lineEnd: null,
    confidence: DEFAULT_CONFIDENCE,
    recommendation: '',
    source: 'reviewer',
  };
  return { ok: true, answer: { verdict: 'needs-attention', summary: '', findings: [finding], nextSteps: [], form: 'status-line' } };
}

function validateVerdict(value: unknown, form: 'structured' | 'json' | 'fenced'): ReadVerdict {
  if (!isObject(value)) return { ok: false, problem: 'its JSON answer is not an object' };
  const verdict = value['verdict'];
  if (verdict !== 'approve' && verdict !== 'needs-attention') {
    return { ok: false, problem: `"verdict" must be "approve" or "needs-attention", but it is ${JSON.stringify(verdict ?? null)}` };
  }
  const summary = value['summary'] ?? '';
  if (typeof summary !== 'string') return { ok: false, problem: '"summary" must be a string' };
  const rawFindings = value['findings'] ?? [];
  if (!Array.isArray(rawFindings)) return { ok: false, problem: '"findings" must be an array' };
  const findings: Finding[] = [];
  for (const [index, raw] of rawFindings.entries()) {
    const finding = validateFinding(raw);
    if (typeof finding === 'string') return { ok: false, problem: `findings[${index}]: ${finding}` };
    findings.push(finding);
  }
  const steps = value['next_steps'] ?? [];
  if (!Array.isArray(steps) || !steps.every((step) => typeof step === 'string')) return { ok: false, problem: '"next_steps" must be an array of strings' };
  return { ok: true, answer: { verdict, summary, findings, nextSteps: steps as string[], form } };
}

function validateFinding(raw: unknown): Finding | string {
  if (!isObject(raw)) return 'a finding must be an object';
  const severity = raw['severity'];
  if (typeof severity !== 'string' || !(SEVERITIES as readonly string[]).includes(severity)) {
    return `"severity" must be one of ${SEVERITIES.join(', ')}, but it is ${JSON.stringify(severity ?? null)}`;
  }
  const title = raw['title'];
  if (typeof title !== 'string' || title.trim() === '') return '"title" must be a non-empty string';
  const confidence = raw['confidence'] ?? DEFAULT_CONFIDENCE;
  if (typeof confidence !== 'number' || !Number.isFinite(confidence) || confidence < 0 || confidence > 1) {
    return `"confidence" must be a number from 0 to 1, but it is ${JSON.stringify(confidence)}`;
  }
  const text = (key: string): string | null => {
    const field = raw[key] ?? '';
    return typeof field === 'string' ? field : null;
  };
  const [body, file, recommendation] = [text('body'), text('file'), text('recommendation')];
  if (body === null || file === null || recommendation === null) return '"body", "file" and "recommendation" must be strings';
  const lineStart = line(raw['line_start']);
  const lineEnd = line(raw['line_end']);
  if (lineStart === undefined || lineEnd === undefined) return '"line_start" and "line_end" must be whole numbers or null';
  return { severity: severity as Finding['severity'], title: title.trim(), body, file, lineStart, lineEnd, confidence, recommendation, source: 'reviewer' };
}

function line(value: unknown): number | null | undefined {
  if (value === undefined || value === null) return null;
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** ccx-loop's name for a review that could not be read: one medium finding, so the loop goes on. */
export const MALFORMED_REVIEW_TITLE = 'review-output-malformed';

/**
 * The finding a review becomes when its answer cannot be read even after one retry. Its key (file,
 * title, body) stays the same from review to review, so three in a row are stuck.
 */
export function malformedReviewFinding(problem: string): Finding {
  return {
    severity: 'medium',
    title: MALFORMED_REVIEW_TITLE,
    body: 'The reviewer\'s answer could not be read as the verdict JSON, even after one retry, so this review did not approve.',
    file: '',
    lineStart: null,
    lineEnd: null,
    confidence: DEFAULT_CONFIDENCE,
    recommendation: `What was wrong: ${problem}.`,
    source: 'reviewer',
  };
}
