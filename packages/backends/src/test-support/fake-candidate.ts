import * as tf from '@tensorflow/tfjs-core';
import type { BackendCandidate } from '../backend-candidate.js';
import { registerCpuClone } from './cpu-clone-backend.js';

/** A candidate for registry tests, and how often its `start()` ran. */
export interface FakeCandidate {
  readonly candidate: BackendCandidate;
  starts(): number;
}

/**
 * A candidate backed by a cpu clone named `name`: it starts and trains, unless `failsWith`
 * makes `start()` throw, or `alter` swaps its kernels (see {@link registerCpuClone}).
 */
export function fakeCandidate(
  name: string,
  options: {
    readonly priority?: number;
    readonly failsWith?: string;
    readonly alter?: (config: tf.KernelConfig) => tf.KernelConfig | undefined;
    readonly experimental?: boolean;
    readonly onlyWhenRequested?: boolean;
  } = {},
): FakeCandidate {
  let starts = 0;
  return {
    candidate: {
      name,
      priority: options.priority ?? 0,
      hint: `Fix ${name}.`,
      ...(options.experimental ? { experimental: true } : {}),
      ...(options.onlyWhenRequested ? { onlyWhenRequested: true } : {}),
      async start() {
        starts++;
        if (options.failsWith != null) throw new Error(options.failsWith);
        registerCpuClone(name, options.alter);
        if (!(await tf.setBackend(name))) throw new Error(`cannot set ${name}`);
        return { version: '1.0.0', detail: `${name} 1.0.0` };
      },
    },
    starts: () => starts,
  };
}
