import type { ServiceSpec } from './spec.js';

/** One line saying what the service will run, with which variables carried over. */
export function describeSpec(spec: ServiceSpec): string {
  const carried = spec.environment.map(([name]) => name).join(' and ');
  return `it runs ${spec.nodePath} ${spec.cliPath} daemon with the ${carried} of this shell`;
}
