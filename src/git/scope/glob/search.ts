import type { ByteSet } from './charset.js';
import { PATH_BYTES, has } from './charset.js';
import type { Nfa } from './nfa.js';
import { advance, closure } from './nfa.js';
import type { PathState } from './valid-path.js';
import { PATH_BYTE_SETS, PATH_START, isCompletePath, isDeadPath, nextPathState } from './valid-path.js';

/** One side of the search: an automaton that must accept (or, for `mustReject`, must not). */
export interface SearchTrack {
  nfa: Nfa;
  start: number;
  mustReject: boolean;
}

export type SearchResult = { found: true; path: string } | { found: false } | { found: 'gave-up' };

/** Past this many product states the search stops and the caller assumes the worst. */
export const MAX_SEARCH_STATES = 50_000;

/** Bytes a witness path is spelled with when the automata leave a choice: readable ones first. */
const PREFERRED_BYTES = [
  ...range(0x61, 0x7a), ...range(0x30, 0x39), ...range(0x41, 0x5a), 0x5f, 0x2d, 0x2e, 0x2f, ...range(0x20, 0x7e), ...range(1, 255),
];

/**
 * Breadth-first search of the product of every track (each simulated as a set of states, so a
 * track that must reject is negated exactly) and the valid-path automaton, for the shortest
 * path that every `mustReject: false` track accepts and every `mustReject: true` track rejects.
 */
export function searchCommonPath(tracks: readonly SearchTrack[]): SearchResult {
  const classes = byteClasses(tracks);
  const steppers = tracks.map((track) => memoisedStep(track.nfa));
  type Node = { sets: number[][]; path: PathState; parent: Node | null; byte: number };
  const start: Node = { sets: tracks.map((track) => closure(track.nfa, [track.start])), path: PATH_START, parent: null, byte: 0 };
  const seen = new Set<string>([key(start.sets, start.path)]);
  const queue: Node[] = [start];
  for (let head = 0; head < queue.length; head++) {
    const node = queue[head] as Node;
    if (isAccepted(tracks, node.sets, node.path)) return { found: true, path: spell(node) };
    for (const byte of classes) {
      const path = nextPathState(node.path, byte);
      if (isDeadPath(path)) continue;
      const sets = tracks.map((_, index) => (steppers[index] as Stepper)(node.sets[index] ?? [], byte));
      if (tracks.some((track, index) => !track.mustReject && (sets[index] ?? []).length === 0)) continue;
      const id = key(sets, path);
      if (seen.has(id)) continue;
      if (seen.size >= MAX_SEARCH_STATES) return { found: 'gave-up' };
      seen.add(id);
      queue.push({ sets, path, parent: node, byte });
    }
  }
  return { found: false };

  function spell(node: Node): string {
    const bytes: number[] = [];
    for (let at = node; at.parent !== null; at = at.parent) bytes.push(at.byte);
    return Buffer.from(bytes.reverse()).toString('utf8');
  }
}

type Stepper = (states: readonly number[], byte: number) => number[];

/** `advance`, remembered per state and byte: the search meets the same few states again and again. */
function memoisedStep(nfa: Nfa): Stepper {
  const memo = new Map<number, number[]>();
  const fromOne = (state: number, byte: number): number[] => {
    const key = state * 256 + byte;
    let next = memo.get(key);
    if (next === undefined) memo.set(key, (next = advance(nfa, [state], byte)));
    return next;
  };
  return (states, byte) => {
    if (states.length === 1) return fromOne(states[0] as number, byte);
    const union = new Set<number>();
    for (const state of states) for (const next of fromOne(state, byte)) union.add(next);
    return [...union].sort((a, b) => a - b);
  };
}

function isAccepted(tracks: readonly SearchTrack[], sets: number[][], path: PathState): boolean {
  if (!isCompletePath(path)) return false;
  return tracks.every((track, index) => {
    const accepting = (sets[index] ?? []).some((state) => track.nfa.accepting[state] === true);
    return track.mustReject ? !accepting : accepting;
  });
}

function key(sets: number[][], path: PathState): string {
  return `${path}|${sets.map((set) => set.join(',')).join('|')}`;
}

/** One representative byte per class of bytes that no automaton edge tells apart. */
function byteClasses(tracks: readonly SearchTrack[]): number[] {
  const distinct = new Set<ByteSet>(PATH_BYTE_SETS);
  for (const track of tracks) for (const edges of track.nfa.edges) for (const edge of edges) distinct.add(edge.on);
  let classes: ByteSet[] = [PATH_BYTES];
  for (const set of distinct) {
    classes = classes.flatMap((part) => [part & set, part & ~set]).filter((part) => part !== 0n);
  }
  return classes.map((part) => PREFERRED_BYTES.find((byte) => has(part, byte)) as number);
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, index) => from + index);
}
