import { SEVERITIES } from '../../board/types.js';

/**
 * SPEC 6's review verdict as a JSON Schema that OpenAI's strict mode accepts (codex
 * --output-schema): every property required, additionalProperties false, no numeric bounds. A
 * finding that is not about one file gives file "" and null lines. Codex does not validate its
 * answer against it, so the engine validates every answer itself (read.ts).
 */
export const VERDICT_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['verdict', 'summary', 'findings', 'next_steps'],
  properties: {
    verdict: { type: 'string', enum: ['approve', 'needs-attention'] },
    summary: { type: 'string' },
    findings: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['severity', 'title', 'body', 'file', 'line_start', 'line_end', 'confidence', 'recommendation'],
        properties: {
          severity: { type: 'string', enum: [...SEVERITIES] },
          title: { type: 'string' },
          body: { type: 'string' },
          file: { type: 'string' },
          line_start: { type: ['integer', 'null'] },
          line_end: { type: ['integer', 'null'] },
          confidence: { type: 'number' },
          recommendation: { type: 'string' },
        },
      },
    },
    next_steps: { type: 'array', items: { type: 'string' } },
  },
} as const;
