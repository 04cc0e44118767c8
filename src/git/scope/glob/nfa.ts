import type { ByteSet } from './charset.js';
import { has } from './charset.js';

/** A nondeterministic automaton over bytes: edges carry byte sets, epsilon moves join fragments. */
export interface Nfa {
  edges: Array<Array<{ on: ByteSet; to: number }>>;
  epsilon: number[][];
  accepting: boolean[];
}

export class NfaBuilder {
  readonly nfa: Nfa = { edges: [], epsilon: [], accepting: [] };

  state(accepting = false): number {
    this.nfa.edges.push([]);
    this.nfa.epsilon.push([]);
    this.nfa.accepting.push(accepting);
    return this.nfa.edges.length - 1;
  }

  edge(from: number, on: ByteSet, to: number): void {
    this.nfa.edges[from]?.push({ on, to });
  }

  epsilon(from: number, to: number): void {
    this.nfa.epsilon[from]?.push(to);
  }

  accept(state: number): void {
    this.nfa.accepting[state] = true;
  }

  /** A new state reached from `from` on one byte of `on`. */
  step(from: number, on: ByteSet): number {
    const to = this.state();
    this.edge(from, on, to);
    return to;
  }

  /** A new state reached from `from` by any number (zero included) of bytes of `on`. */
  repeat(from: number, on: ByteSet): number {
    const to = this.state();
    this.epsilon(from, to);
    this.edge(to, on, to);
    return to;
  }
}

/** `states` plus everything reachable from them by epsilon moves, sorted. */
export function closure(nfa: Nfa, states: Iterable<number>): number[] {
  const seen = new Set<number>();
  const stack = [...states];
  while (stack.length > 0) {
    const state = stack.pop() as number;
    if (seen.has(state)) continue;
    seen.add(state);
    for (const next of nfa.epsilon[state] ?? []) stack.push(next);
  }
  return [...seen].sort((a, b) => a - b);
}

/** The closed set of states after reading `byte` from the closed set `states`. */
export function advance(nfa: Nfa, states: readonly number[], byte: number): number[] {
  const next: number[] = [];
  for (const state of states) {
    for (const edge of nfa.edges[state] ?? []) if (has(edge.on, byte)) next.push(edge.to);
  }
  return next.length === 0 ? [] : closure(nfa, next);
}

/** Whether the automaton started at `start` accepts exactly `bytes`. */
export function accepts(nfa: Nfa, start: number, bytes: Uint8Array): boolean {
  let states = closure(nfa, [start]);
  for (const byte of bytes) {
    states = advance(nfa, states, byte);
    if (states.length === 0) return false;
  }
  return states.some((state) => nfa.accepting[state] === true);
}
