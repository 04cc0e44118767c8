/** One task of a plan answer as SPEC 9 writes it, valid unless `overrides` break it. */
export function planned(key: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    key,
    title: `Task ${key}`,
    scope: { include: ['src/**'], exclude: [] },
    depends_on: [],
    priority: 'normal',
    model_start: 'default',
    goal: `The goal of ${key}.`,
    acceptance: [`${key} works.`],
    context: '',
    out_of_scope: '',
    test_plan: '',
    ...overrides,
  };
}

export const answer = (...tasks: unknown[]) => ({ tasks });
