import type { TokenUsage } from '../../agents/index.js';

export const NO_TOKENS: TokenUsage = { input: 0, output: 0 };

export function addTokens(sum: TokenUsage, more: TokenUsage | undefined | null): TokenUsage {
  if (more === undefined || more === null) return sum;
  const add = (a: number | undefined, b: number | undefined) => (a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0));
  const result: TokenUsage = { input: sum.input + more.input, output: sum.output + more.output };
  for (const key of ['cacheRead', 'cacheWrite', 'reasoning'] as const) {
    const value = add(sum[key], more[key]);
    if (value !== undefined) result[key] = value;
  }
  return result;
}
