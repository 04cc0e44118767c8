import type { Ladder } from '../types.js';

/** SPEC 6.7's ladder, lowest rung first; STATE_DIR/model-ladder.json replaces it. */
export const BUILT_IN_LADDER: Ladder = {
  defaultStart: 'default',
  tiers: [
    { alias: 'economy', claude: { model: 'sonnet', effort: 'medium' }, codex: { model: 'gpt-5.5' } },
    { alias: 'default', claude: { model: 'sonnet', effort: 'high' }, codex: { model: 'gpt-5.5' } },
    { alias: 'strong', claude: { model: 'opus', effort: 'high' }, codex: { model: 'gpt-5.5' } },
    { alias: 'max', claude: { model: 'opus', effort: 'max' }, codex: { model: 'gpt-5.5' } },
  ],
};

/** What claude's --effort accepts; absent, the CLI's own default. */
export const CLAUDE_EFFORTS = ['low', 'medium', 'high', 'xhigh', 'max'] as const;
/** What codex's model_reasoning_effort accepts (ccx-loop's ladders use these); absent, the rung's claude effort. */
export const CODEX_EFFORTS = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'] as const;
