import { fusedSgdKernel } from '@cnnkit/contracts';
import { SgdOptimizer } from '@cnnkit/trainer';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelPaths, seededValues, useKernelPath } from '../test-support/compare-backends.js';
import { expectSameBitsOnOneAndTwoThreads } from '../test-support/one-and-two-threads.js';
import { fusedSgdConfig } from './fused-sgd.js';

const fusedSgdKernelName = fusedSgdKernel.kernelName;

// Sizes with SIMD tails (not multiples of 4) and SimpleCNN's biggest parameter.
const shapes = [[5, 5, 3, 6], [7], [1], [400, 120], [3, 3]];

function parameters(seed: number) {
  return shapes.map((shape, i) => ({
    name: `p${i}`,
    variable: tf.tidy(() =>
      tf.variable(tf.tensor(seededValues(tf.util.sizeFromShape(shape), seed + i), shape)),
    ),
  }));
}

type Settings = ConstructorParameters<typeof SgdOptimizer>[1];

/**
 * Runs `steps` optimizer steps with seeded gradients and returns every parameter and momentum
 * buffer value; `gates[s]` false makes step s a gated (skipped) step.
 */
function run(settings: Settings, steps: number, gates: boolean[] = []) {
  const params = parameters(1);
  const optimizer = new SgdOptimizer(params, settings);
  for (let s = 0; s < steps; s++) {
    tf.tidy(() => {
      const grads = new Map(
        params.map((p, i) => [
          p.name,
          tf.tensor(seededValues(p.variable.size, 100 * s + i), p.variable.shape),
        ]),
      );
      const gate = gates[s];
      optimizer.step(grads, gate === undefined ? undefined : tf.scalar(gate, 'bool'));
    });
  }
  const values = params.map((p) => p.variable.dataSync() as Float32Array);
  const buffers = [...optimizer.exportMomentumBuffers().values()].map((b) => b.values);
  optimizer.dispose();
  for (const p of params) p.variable.dispose();
  return { values, buffers };
}

/** The same run with the fused kernel unregistered: the optimizer's op-by-op path. */
function runUnfused(settings: Settings, steps: number, gates: boolean[] = []) {
  tf.unregisterKernel(fusedSgdKernelName, 'wasm');
  try {
    return run(settings, steps, gates);
  } finally {
    tf.registerKernel(fusedSgdConfig);
  }
}

const settings: [string, Settings][] = [
  ['plain SGD', { lr: 0.1 }],
  ['momentum', { lr: 0.01, momentum: 0.9 }],
  ['momentum and weight decay', { lr: 0.003, momentum: 0.5, weightDecay: 0.01 }],
  ['nesterov and weight decay', { lr: 0.02, momentum: 0.9, weightDecay: 0.1, nesterov: true }],
  ['weight decay without momentum', { lr: 0.05, weightDecay: 0.2 }],
];

describe.each(kernelPaths)('the fused SGD kernel ($path)', ({ simd, relaxed }) => {
  beforeAll(() => useKernelPath(simd, relaxed));
  afterAll(() => useKernelPath(true));

  it('is registered under the contract name', () => {
    expect(tf.getKernel(fusedSgdKernelName, 'wasm')).toBeDefined();
  });

  it.each(settings)('%s: bit-identical to the op-by-op update over 4 steps', (_, config) => {
    const fused = run(config, 4);
    const unfused = runUnfused(config, 4);
    expect(fused.values).toEqual(unfused.values);
    expect(fused.buffers).toEqual(unfused.buffers);
    // The update really happened (not a copy of the start values).
    expect(fused.values[0]).not.toEqual(run(config, 0).values[0]);
  });

  it.runIf(simd).each(settings)(
    '%s: split over parameter ranges on 2 threads, the bits of 1 thread',
    async (_, config) => {
      await expectSameBitsOnOneAndTwoThreads(
        () => {
          const { values, buffers } = run(config, 3);
          return [...values, ...buffers];
        },
        3 * (shapes.length - 1),
      ); // every parameter but the one of size 1
    },
  );

  it('leaves parameters and buffers untouched on a gated step', () => {
    const config = { lr: 0.01, momentum: 0.9, weightDecay: 0.01 };
    const gated = run(config, 3, [true, false, true]);
    const unfused = runUnfused(config, 3, [true, false, true]);
    expect(gated.values).toEqual(unfused.values);
    expect(gated.buffers).toEqual(unfused.buffers);
    expect(run(config, 2, [true, false])).toEqual(run(config, 1, [true]));
  });

  it('is one kernel call per optimizer step and leaks nothing', async () => {
    const params = parameters(3);
    const optimizer = new SgdOptimizer(params, { lr: 0.01, momentum: 0.9 });
    const grads = new Map(params.map((p) => [p.name, tf.onesLike(p.variable)]));
    const gate = tf.scalar(true, 'bool');
    const before = tf.memory().numTensors;
    const heapBuffersBefore = tf.engine().backend.numDataIds();
    const profile = await tf.profile(() => optimizer.step(grads, gate));
    expect(profile.kernels.map((k) => k.name)).toEqual([fusedSgdKernelName]);
    expect(tf.memory().numTensors).toBe(before);
    expect(tf.engine().backend.numDataIds()).toBe(heapBuffersBefore);
    tf.dispose([...grads.values(), gate]);
    optimizer.dispose();
    for (const p of params) p.variable.dispose();
  });
});
