import type { StateEntry } from '../state-dict.js';
import type { ParameterLayout } from '../types.js';
import type { GraphWeight } from './inference-graph.js';

/** A state entry's current values as a {@link GraphWeight} (read without blocking the backend). */
export async function graphWeight(entry: {
  readonly name: string;
  readonly layout: ParameterLayout;
  readonly variable: StateEntry['variable'];
}): Promise<GraphWeight> {
  const values = Float32Array.from((await entry.variable.data()) as ArrayLike<number>);
  return { name: entry.name, layout: entry.layout, values };
}
