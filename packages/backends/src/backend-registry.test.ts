import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { beforeEach, describe, expect, it } from 'vitest';
import type { BackendAvailability } from './backend-candidate.js';
import { createBackendRegistry } from './backend-registry.js';
import { BackendSelectionError } from './backend-selection-error.js';
import { quietCpuBackend } from './quiet-cpu-backend.js';
import { fakeCandidate } from './test-support/fake-candidate.js';

// tfjs's backend registry is global: every test names its fake backends after itself.
let prefix = '';
let testNumber = 0;
beforeEach(async () => {
  prefix = `t${++testNumber}-`;
  await tf.setBackend('cpu');
  quietCpuBackend();
});

const withoutFilterGradient = (config: tf.KernelConfig) =>
  config.kernelName === tf.Conv2DBackpropFilter ? undefined : config;

describe('createBackendRegistry', () => {
  it('orders candidates by priority, highest first, ties in list order', () => {
    const registry = createBackendRegistry([
      fakeCandidate('low', { priority: 1 }).candidate,
      fakeCandidate('high-a', { priority: 5 }).candidate,
      fakeCandidate('high-b', { priority: 5 }).candidate,
      fakeCandidate('middle', { priority: 3 }).candidate,
    ]);
    expect(registry.candidates.map((c) => c.name)).toEqual(['high-a', 'high-b', 'middle', 'low']);
  });

  it('rejects two candidates with one name', () => {
    expect(() =>
      createBackendRegistry([fakeCandidate('same').candidate, fakeCandidate('same').candidate]),
    ).toThrow("two backend candidates are named 'same'; list each once");
  });
});

describe('select', () => {
  it('picks the highest-priority candidate that starts and trains, and says which were skipped and why', async () => {
    const broken = fakeCandidate(`${prefix}gpu`, { priority: 9, failsWith: 'no GPU here.' });
    const incomplete = fakeCandidate(`${prefix}incomplete`, {
      priority: 8,
      alter: withoutFilterGradient,
    });
    const working = fakeCandidate(`${prefix}working`, { priority: 7 });
    const later = fakeCandidate(`${prefix}later`, { priority: 1 });
    const registry = createBackendRegistry(
      [later, working, incomplete, broken].map((f) => f.candidate),
    );
    const before = tf.memory().numTensors;
    const selected = await registry.select();
    expect(tf.memory().numTensors).toBe(before);
    expect(selected).toEqual({
      name: `${prefix}working`,
      description: { version: '1.0.0', detail: `${prefix}working 1.0.0` },
      skipped: [
        { name: `${prefix}gpu`, reason: 'no GPU here', hint: `Fix ${prefix}gpu.` },
        {
          name: `${prefix}incomplete`,
          reason: 'kernels missing for training: Conv2DBackpropFilter',
          hint: `Fix ${prefix}incomplete.`,
        },
      ],
    });
    expect(tf.getBackend()).toBe(`${prefix}working`);
    expect(later.starts()).toBe(0);
  });

  it('starts each candidate at most once, also when asked concurrently, and switches back to one already started', async () => {
    const broken = fakeCandidate(`${prefix}broken`, { priority: 2, failsWith: 'nope' });
    const first = fakeCandidate(`${prefix}first`, { priority: 1 });
    const second = fakeCandidate(`${prefix}second`, { priority: 0 });
    const registry = createBackendRegistry([broken, first, second].map((f) => f.candidate));
    const [a, b] = await Promise.all([registry.select(), registry.select()]);
    expect([a.name, b.name]).toEqual([`${prefix}first`, `${prefix}first`]);
    await registry.select({ requested: `${prefix}second` });
    expect(tf.getBackend()).toBe(`${prefix}second`);
    await registry.select({ requested: `${prefix}first` });
    expect(tf.getBackend()).toBe(`${prefix}first`);
    await registry.select();
    await registry.availability();
    await expect(registry.select({ requested: `${prefix}broken` })).rejects.toThrow('nope');
    expect([broken.starts(), first.starts(), second.starts()]).toEqual([1, 1, 1]);
  });

  it('throws one error listing every failure with its hint when no candidate works', async () => {
    const avgPoolGrad = tf.getKernel(tf.AvgPoolGrad, 'cpu') as tf.KernelConfig;
    const registry = createBackendRegistry([
      fakeCandidate(`${prefix}missing`, { priority: 3, failsWith: 'Cannot find module x\nstack' })
        .candidate,
      fakeCandidate(`${prefix}incomplete`, { priority: 2, alter: withoutFilterGradient }).candidate,
      fakeCandidate(`${prefix}wrong`, {
        priority: 1,
        alter: (config) => (config.kernelName === tf.MaxPoolGrad ? avgPoolGrad : config),
      }).candidate,
      fakeCandidate(`${prefix}cpu`, { onlyWhenRequested: true }).candidate,
    ]);
    const before = tf.memory().numTensors;
    const error = await registry.select().catch((e: unknown) => e);
    expect(tf.memory().numTensors).toBe(before);
    expect(error).toBeInstanceOf(BackendSelectionError);
    const message = (error as Error).message;
    const lines = message.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'No TensorFlow.js backend could start:',
      `  ${prefix}missing: Cannot find module x. Fix ${prefix}missing.`,
      `  ${prefix}incomplete: kernels missing for training: Conv2DBackpropFilter. Fix ${prefix}incomplete.`,
    ]);
    expect(lines[3]).toMatch(
      new RegExp(
        `^  ${prefix}wrong: training step differs from the cpu backend: d filter\\d\\[\\d+\\] .* \\(cpu: .*\\)\\. Fix ${prefix}wrong\\.$`,
      ),
    );
    expect(lines).toHaveLength(4);
    expect((error as BackendSelectionError).failures.map((f) => f.name)).toEqual([
      `${prefix}missing`,
      `${prefix}incomplete`,
      `${prefix}wrong`,
    ]);
    // The backend that was active before stays active.
    expect(tf.getBackend()).toBe('cpu');
  });

  it('throws for a requested backend that does not start, without falling back to another', async () => {
    const fallback = fakeCandidate(`${prefix}fallback`, { priority: 1 });
    const requested = fakeCandidate(`${prefix}requested`, {
      priority: 2,
      failsWith: 'libfoo.so not found',
    });
    const registry = createBackendRegistry([fallback.candidate, requested.candidate]);
    const error = await registry.select({ requested: `${prefix}requested` }).catch((e) => e);
    expect(error).toBeInstanceOf(BackendSelectionError);
    expect((error as Error).message).toBe(
      `The '${prefix}requested' backend you asked for did not start: libfoo.so not found. Fix ${prefix}requested.`,
    );
    expect(fallback.starts()).toBe(0);
    expect(tf.getBackend()).toBe('cpu');
  });

  it('names the known backends when the requested one is unknown', async () => {
    const registry = createBackendRegistry([
      fakeCandidate(`${prefix}a`, { priority: 1 }).candidate,
      fakeCandidate(`${prefix}b`, { priority: 2 }).candidate,
    ]);
    await expect(registry.select({ requested: 'gpu' })).rejects.toThrow(
      `Unknown backend 'gpu'. Use one of: ${prefix}b, ${prefix}a.`,
    );
  });

  it('uses an onlyWhenRequested candidate only by name', async () => {
    const slow = fakeCandidate(`${prefix}slow`, { priority: 5, onlyWhenRequested: true });
    const fast = fakeCandidate(`${prefix}fast`, { priority: 1 });
    const registry = createBackendRegistry([slow.candidate, fast.candidate]);
    expect((await registry.select()).name).toBe(`${prefix}fast`);
    expect(slow.starts()).toBe(0);
    expect((await registry.select({ requested: `${prefix}slow` })).name).toBe(`${prefix}slow`);
  });

  it('fails a candidate whose start() leaves another backend active', async () => {
    const registry = createBackendRegistry([
      {
        name: `${prefix}lazy`,
        priority: 1,
        hint: 'Fix it.',
        start: async () => ({ version: '1', detail: 'lazy' }),
      },
    ]);
    await expect(registry.select({ requested: `${prefix}lazy` })).rejects.toThrow(
      `did not start: its start() left 'cpu' active instead of '${prefix}lazy'. Fix it.`,
    );
  });
});

describe('availability', () => {
  it('reports every candidate in priority order, as each is known, and leaves the first that works active', async () => {
    const registry = createBackendRegistry([
      fakeCandidate(`${prefix}cpu`, { priority: 0, onlyWhenRequested: true }).candidate,
      fakeCandidate(`${prefix}gpu`, { priority: 2, experimental: true, failsWith: 'no adapter' })
        .candidate,
      fakeCandidate(`${prefix}simd`, { priority: 1 }).candidate,
    ]);
    const seen: BackendAvailability[] = [];
    const before = tf.memory().numTensors;
    const reports = await registry.availability({ onReport: (report) => seen.push(report) });
    expect(tf.memory().numTensors).toBe(before);
    expect(reports).toEqual([
      {
        name: `${prefix}gpu`,
        ok: false,
        experimental: true,
        reason: 'no adapter',
        hint: `Fix ${prefix}gpu.`,
      },
      {
        name: `${prefix}simd`,
        ok: true,
        experimental: false,
        description: { version: '1.0.0', detail: `${prefix}simd 1.0.0` },
      },
      {
        name: `${prefix}cpu`,
        ok: true,
        experimental: false,
        description: { version: '1.0.0', detail: `${prefix}cpu 1.0.0` },
      },
    ]);
    expect(seen).toEqual(reports);
    expect(tf.getBackend()).toBe(`${prefix}simd`);
  });
});
