import { fusedSgdKernel } from '@cnnkit/contracts';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import reference from './fixtures/torch-reference.json' with { type: 'json' };
import { SgdOptimizer } from './sgd-optimizer.js';
import { TEST_BACKENDS, useBackend } from './test-support/backends.js';

interface TorchSgdOptions {
  lr: number;
  momentum?: number;
  weight_decay?: number;
  nesterov?: boolean;
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance = 1e-6) {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    const scale = Math.max(1, Math.abs(expected[i] as number));
    expect(Math.abs((actual[i] as number) - (expected[i] as number)) / scale).toBeLessThan(
      tolerance,
    );
  }
}

/** torch.optim.SGD written out in float32 arithmetic, independent of tfjs. */
function referenceSgd(
  initial: number[],
  grads: number[][],
  { lr, momentum = 0, weight_decay = 0, nesterov = false }: TorchSgdOptions,
): { param: Float32Array; buffer: Float32Array | null } {
  const f = Math.fround;
  const param = Float32Array.from(initial);
  let buffer: Float32Array | null = null;
  for (const grad of grads) {
    const d = Float32Array.from(grad, (g, i) => f(g + f(weight_decay * (param[i] as number))));
    if (momentum !== 0) {
      buffer = buffer
        ? Float32Array.from(buffer, (b: number, i: number) => f(f(momentum * b) + (d[i] as number)))
        : Float32Array.from(d);
      const buf = buffer;
      if (nesterov) d.set(d.map((g, i) => f(g + f(momentum * (buf[i] as number)))));
      else d.set(buf);
    }
    param.set(param.map((p, i) => f(p - f(lr * (d[i] as number)))));
  }
  return { param, buffer };
}

describe.each(TEST_BACKENDS)('SgdOptimizer (%s backend)', (backend) => {
  beforeAll(async () => {
    await useBackend(backend);
  });

  it.each(reference.sgd)('matches torch.optim.SGD: $name', (fixture) => {
    const options = fixture.options as TorchSgdOptions;
    const variable = tf.tidy(() => tf.variable(tf.tensor(fixture.initial, fixture.shape)));
    const sgd = new SgdOptimizer([{ name: 'w', variable }], {
      lr: options.lr,
      momentum: options.momentum,
      weightDecay: options.weight_decay,
      nesterov: options.nesterov,
    });
    for (const grad of fixture.grads) {
      const gradient = tf.tensor(grad, fixture.shape);
      sgd.step(new Map([['w', gradient]]));
      gradient.dispose();
    }
    expectClose(variable.dataSync(), fixture.final);
    const buffers = sgd.exportMomentumBuffers();
    if (fixture.momentumBuffer) {
      expectClose(buffers.get('w')?.values ?? [], fixture.momentumBuffer);
    } else {
      expect(buffers.size).toBe(0);
    }
    const js = referenceSgd(fixture.initial, fixture.grads, options);
    expectClose(variable.dataSync(), js.param, 1e-6);
    sgd.dispose();
    variable.dispose();
  });

  it('runs its TSDoc example', () => {
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1, 2])));
    const sgd = new SgdOptimizer([{ name: 'w', variable: w }], { lr: 0.1, momentum: 0.9 });
    const grad = tf.tensor1d([1, 1]);
    sgd.step(new Map([['w', grad]]));
    expectClose(w.dataSync(), [0.9, 1.9]);
    tf.dispose([grad, w]);
    sgd.dispose();
  });

  it('leaves parameters and buffers untouched where the gate is false', () => {
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1, 2])));
    const sgd = new SgdOptimizer([{ name: 'w', variable: w }], { lr: 0.1, momentum: 0.9 });
    const grad = tf.tensor1d([Number.NaN, 1]);
    const no = tf.scalar(false, 'bool');
    sgd.step(new Map([['w', grad]]), no);
    expect(Array.from(w.dataSync())).toEqual([1, 2]);
    expect(Array.from(sgd.exportMomentumBuffers().get('w')?.values ?? [])).toEqual([0, 0]);
    tf.dispose([grad, w, no]);
    sgd.dispose();
  });

  it('does not leak tensors across steps', () => {
    const w = tf.tidy(() => tf.variable(tf.ones([3, 3])));
    const sgd = new SgdOptimizer([{ name: 'w', variable: w }], {
      lr: 0.1,
      momentum: 0.9,
      weightDecay: 0.1,
      nesterov: true,
    });
    const grad = tf.ones([3, 3]);
    sgd.step(new Map([['w', grad]]));
    const afterFirst = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) sgd.step(new Map([['w', grad]]));
    expect(tf.memory().numTensors).toBe(afterFirst);
    tf.dispose([grad, w]);
    sgd.dispose();
  });

  it('imports exported momentum buffers and rejects mismatched ones', () => {
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1, 2])));
    const sgd = new SgdOptimizer([{ name: 'w', variable: w }], { lr: 0.1, momentum: 0.5 });
    sgd.importMomentumBuffers(new Map([['w', { shape: [2], values: Float32Array.of(3, 4) }]]));
    expect(Array.from(sgd.exportMomentumBuffers().get('w')?.values ?? [])).toEqual([3, 4]);
    expect(() =>
      sgd.importMomentumBuffers(new Map([['v', { shape: [2], values: Float32Array.of(3, 4) }]])),
    ).toThrow(/missing \[w\], unexpected \[v\]/);
    expect(() =>
      sgd.importMomentumBuffers(new Map([['w', { shape: [3], values: Float32Array.of(3, 4, 5) }]])),
    ).toThrow(/"w" has shape \[3\] but the parameter has shape \[2\]/);
    w.dispose();
    sgd.dispose();
  });

  it('rejects bad settings, quoting the value', () => {
    expect(() => new SgdOptimizer([], { lr: -1 })).toThrow(
      /lr must be a finite number >= 0, got -1/,
    );
    expect(() => new SgdOptimizer([], { lr: Number.NaN })).toThrow(/got NaN/);
    expect(() => new SgdOptimizer([], { lr: 0.1, nesterov: true })).toThrow(/needs momentum > 0/);
  });

  it('throws when a gradient is missing', () => {
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1, 2])));
    const sgd = new SgdOptimizer([{ name: 'w', variable: w }], { lr: 0.1 });
    expect(() => sgd.step(new Map())).toThrow(/No gradient for parameter "w"/);
    w.dispose();
    sgd.dispose();
  });
});

describe('SgdOptimizer with a backend that provides the fused SGD kernel', () => {
  interface Call {
    readonly inputs: string[];
    readonly attrs: Record<string, unknown>;
  }
  const calls: Call[] = [];
  // A stand-in for @cnnkit/wasm-kernels' kernel on cpu: records how it is called and returns
  // recognisable outputs (parameters − 1, buffers + 10) so the test sees where each one lands.
  const fakeKernel: tf.KernelConfig = {
    kernelName: fusedSgdKernel.kernelName,
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      calls.push({ inputs: Object.keys(inputs), attrs: { ...attrs } });
      const cpu = backend as unknown as {
        readSync(dataId: tf.DataId): Float32Array;
        makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
      };
      const count = attrs?.count as number;
      const shifted = (name: string, by: number) => {
        const t = inputs[name] as tf.TensorInfo;
        const values = cpu.readSync(t.dataId).map((v) => v + by);
        return cpu.makeTensorInfo([...t.shape], 'float32', values);
      };
      const params = Array.from({ length: count }, (_, i) => shifted(`param${i}`, -1));
      const buffers = attrs?.hasBuffers
        ? Array.from({ length: count }, (_, i) => shifted(`buffer${i}`, 10))
        : [];
      return [...params, ...buffers];
    },
  };

  beforeAll(async () => {
    await useBackend('cpu');
    tf.registerKernel(fakeKernel);
  });
  afterAll(() => tf.unregisterKernel(fusedSgdKernel.kernelName, 'cpu'));

  it('makes one kernel call with every tensor and setting, and assigns its outputs', () => {
    calls.length = 0;
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1, 2])));
    const b = tf.tidy(() => tf.variable(tf.tensor1d([5])));
    const sgd = new SgdOptimizer(
      [
        { name: 'w', variable: w },
        { name: 'b', variable: b },
      ],
      { lr: 0.1, momentum: 0.9, weightDecay: 0.01 },
    );
    tf.tidy(() => {
      const grads = new Map([
        ['w', tf.tensor1d([1, 1])],
        ['b', tf.tensor1d([1])],
      ]);
      sgd.step(grads, tf.scalar(true, 'bool'));
    });
    expect(calls).toEqual([
      {
        inputs: ['param0', 'grad0', 'buffer0', 'param1', 'grad1', 'buffer1', 'apply'],
        attrs: {
          count: 2,
          lr: 0.1,
          momentum: 0.9,
          weightDecay: 0.01,
          nesterov: false,
          hasBuffers: true,
        },
      },
    ]);
    expect(Array.from(w.dataSync())).toEqual([0, 1]);
    expect(Array.from(b.dataSync())).toEqual([4]);
    const buffers = sgd.exportMomentumBuffers();
    expect(Array.from(buffers.get('w')?.values ?? [])).toEqual([10, 10]);
    expect(Array.from(buffers.get('b')?.values ?? [])).toEqual([10]);
    sgd.dispose();
    tf.dispose([w, b]);
  });

  it('makes one call per parameter group with its learning rate and weight decay', () => {
    calls.length = 0;
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1, 2])));
    const n = tf.tidy(() => tf.variable(tf.tensor1d([5])));
    const f = tf.tidy(() => tf.variable(tf.tensor1d([7])));
    const sgd = new SgdOptimizer(
      [
        { name: 'conv.weight', variable: w, kind: 'weight' },
        { name: 'norm.bias', variable: n, kind: 'norm-bias' },
        { name: 'whiten.bias', variable: f, kind: 'bias' },
      ],
      {
        lr: 0.5,
        momentum: 0.9,
        weightDecay: 0.01,
        nesterov: true,
        groups: [{ kinds: ['norm-bias'], lrScale: 64, weightDecay: 0.001 }],
      },
    );
    tf.tidy(() => {
      const grads = new Map([
        ['conv.weight', tf.tensor1d([1, 1])],
        ['norm.bias', tf.tensor1d([1])],
      ]);
      sgd.step(grads, undefined, { lrFactor: 0.25, skip: new Set(['whiten.bias']) });
    });
    expect(calls).toEqual([
      {
        inputs: ['param0', 'grad0', 'buffer0'],
        attrs: {
          count: 1,
          lr: 8,
          momentum: 0.9,
          weightDecay: 0.001,
          nesterov: true,
          hasBuffers: true,
        },
      },
      {
        inputs: ['param0', 'grad0', 'buffer0'],
        attrs: {
          count: 1,
          lr: 0.125,
          momentum: 0.9,
          weightDecay: 0.01,
          nesterov: true,
          hasBuffers: true,
        },
      },
    ]);
    expect(Array.from(w.dataSync())).toEqual([0, 1]);
    expect(Array.from(n.dataSync())).toEqual([4]);
    expect(Array.from(f.dataSync())).toEqual([7]);
    sgd.dispose();
    tf.dispose([w, n, f]);
  });

  it('passes no buffers without momentum', () => {
    calls.length = 0;
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1, 2])));
    const sgd = new SgdOptimizer([{ name: 'w', variable: w }], { lr: 0.5 });
    tf.tidy(() => sgd.step(new Map([['w', tf.tensor1d([2, 2])]])));
    expect(calls.map((c) => c.inputs)).toEqual([['param0', 'grad0']]);
    expect(calls[0]?.attrs.hasBuffers).toBe(false);
    expect(Array.from(w.dataSync())).toEqual([0, 1]);
    sgd.dispose();
    w.dispose();
  });
});
