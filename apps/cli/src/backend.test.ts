import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { availableBackends, checkBackendTrains, selectBackend } from './backend.js';
import { UserError } from './user-errors.js';

// @tensorflow/tfjs-node is an optional peer the user adds (its install needs internet);
// where it works the default is 'tensorflow', elsewhere 'wasm'.
const tfjsNodeError = await import('@tensorflow/tfjs-node' as string).then(
  () => undefined,
  (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
);
// Not installed at all (the usual case), rather than installed but failing to load.
const tfjsNodeMissing =
  (tfjsNodeError as NodeJS.ErrnoException | undefined)?.code === 'ERR_MODULE_NOT_FOUND' &&
  tfjsNodeError?.message.includes("'@tensorflow/tfjs-node'");

function firstLineOf(error: Error): string {
  return (error.message.trim().split('\n')[0]?.trim() ?? '').replace(/\.+$/, '');
}

/** What cnnkit says about tfjs-node here: nothing to report when it is not installed. */
const tfjsNodeReason =
  tfjsNodeError && (tfjsNodeMissing ? 'not installed' : firstLineOf(tfjsNodeError));

/** A backend with every cpu kernel but some swapped, to show the check catches it. */
function registerAlteredCpuBackend(
  name: string,
  alter: (config: tf.KernelConfig) => tf.KernelConfig | undefined,
): () => void {
  tf.registerBackend(name, () => {
    const backend = new MathBackendCPU();
    // No "install tfjs-node" banner in the test output (see the cpu candidate in backend.ts).
    (backend as unknown as { firstUse: boolean }).firstUse = false;
    return backend;
  });
  const registered: string[] = [];
  for (const config of tf.getKernelsForBackend('cpu')) {
    const altered = alter(config);
    if (altered == null) continue;
    tf.registerKernel({ ...altered, kernelName: config.kernelName, backendName: name });
    registered.push(config.kernelName);
  }
  return () => {
    for (const kernelName of registered) tf.unregisterKernel(kernelName, name);
    tf.removeBackend(name);
  };
}

describe('selectBackend', () => {
  afterEach(() => vi.restoreAllMocks());

  it('picks tensorflow when @tensorflow/tfjs-node loads, otherwise wasm with the reason (README example)', async () => {
    const lines: string[] = [];
    const backend = await selectBackend({ log: (line) => lines.push(line) });
    expect(tf.getBackend()).toBe(backend.name);
    if (tfjsNodeError == null) {
      expect(backend.name).toBe('tensorflow');
      expect(lines).toEqual([`backend: tensorflow (${backend.detail})`]);
    } else {
      expect(backend.name).toBe('wasm');
      // Node 20 too: the CLI turns on V8's relaxed SIMD for the kernels' fused multiply-adds.
      expect(backend.detail).toMatch(
        /^@tensorflow\/tfjs-backend-wasm 4\.22\.\d+, relaxed SIMD, \d+ threads?$/,
      );
      expect(lines).toHaveLength(1);
      // Not installed: nothing about tensorflow; installed but broken: why.
      expect(lines[0]).toBe(
        tfjsNodeMissing
          ? `backend: wasm (${backend.detail})`
          : `backend: wasm (tensorflow unavailable: ${tfjsNodeReason})`,
      );
    }
  });

  it('uses cpu when asked, without the tfjs "install our node backend" banner', async () => {
    const warn = vi.spyOn(console, 'warn');
    const lines: string[] = [];
    const backend = await selectBackend({ requested: 'cpu', log: (line) => lines.push(line) });
    expect(backend.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(lines).toEqual([`backend: cpu (${backend.detail})`]);
    tf.tidy(() => tf.add(tf.scalar(1), tf.scalar(2)).dataSync());
    expect(warn).not.toHaveBeenCalled();
  });

  it('switches back to a backend it already started', async () => {
    await selectBackend({ requested: 'wasm', log: () => {} });
    expect(tf.getBackend()).toBe('wasm');
    await selectBackend({ requested: 'cpu', log: () => {} });
    expect(tf.getBackend()).toBe('cpu');
  });

  it.skipIf(tfjsNodeError == null)(
    'throws a UserError, without falling back, when the requested tensorflow backend is missing',
    async () => {
      await selectBackend({ requested: 'cpu', log: () => {} });
      const log = vi.fn();
      const failure = selectBackend({ requested: 'tensorflow', log });
      await expect(failure).rejects.toBeInstanceOf(UserError);
      await expect(failure).rejects.toThrow(
        /^The 'tensorflow' backend you asked for did not start: .+ Install it next to cnnkit with `npm install @tensorflow\/tfjs-node@4\.22\.0` \(in a clone of cnnkit: `pnpm add -w @tensorflow\/tfjs-node@4\.22\.0`\)/,
      );
      expect(log).not.toHaveBeenCalled();
      expect(tf.getBackend()).toBe('cpu');
    },
  );

  it('rejects an unknown backend name with the valid ones', async () => {
    await expect(selectBackend({ requested: 'gpu' as never, log: () => {} })).rejects.toThrow(
      "Unknown backend 'gpu'. Use one of: tensorflow, wasm, cpu.",
    );
  });
});

describe('availableBackends', () => {
  it('reports every backend with versions or the failure (info example)', async () => {
    const report = await availableBackends();
    expect(report.map((backend) => backend.name)).toEqual(['tensorflow', 'wasm', 'cpu']);
    expect(report[0]?.ok).toBe(tfjsNodeError == null);
    if (tfjsNodeReason) {
      expect(report[0]).toEqual({
        name: 'tensorflow',
        ok: false,
        reason: tfjsNodeReason,
        detail: tfjsNodeReason,
      });
    }
    expect(report[1]).toEqual({
      name: 'wasm',
      ok: true,
      version: expect.stringMatching(/^4\.22\.\d+$/),
      threads: expect.any(Number),
      detail: expect.stringMatching(/threads?$/),
    });
    expect(report[2]).toEqual({
      name: 'cpu',
      ok: true,
      version: tf.version_core,
      detail: expect.stringContaining('4.22'),
    });
  });
});

describe('checkBackendTrains', () => {
  it('passes on cpu and wasm without leaking tensors', async () => {
    for (const name of ['cpu', 'wasm'] as const) {
      await selectBackend({ requested: name, log: () => {} });
      const before = tf.memory().numTensors;
      checkBackendTrains();
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('fails on a backend that lacks a training kernel', async () => {
    const remove = registerAlteredCpuBackend('cpu-without-filter-gradient', (config) =>
      config.kernelName === tf.Conv2DBackpropFilter ? undefined : config,
    );
    try {
      expect(await tf.setBackend('cpu-without-filter-gradient')).toBe(true);
      const before = tf.memory().numTensors;
      expect(() => checkBackendTrains()).toThrow(/Conv2DBackpropFilter/);
      expect(tf.memory().numTensors).toBe(before);
    } finally {
      await tf.setBackend('cpu');
      remove();
    }
  });

  it('fails on a backend whose MaxPoolGrad gives wrong numbers', async () => {
    const avgPoolGrad = tf.getKernel(tf.AvgPoolGrad, 'cpu');
    const remove = registerAlteredCpuBackend('cpu-with-wrong-max-pool-grad', (config) =>
      config.kernelName === tf.MaxPoolGrad && avgPoolGrad != null ? avgPoolGrad : config,
    );
    try {
      expect(await tf.setBackend('cpu-with-wrong-max-pool-grad')).toBe(true);
      expect(() => checkBackendTrains()).toThrow(
        /^training check gave wrong numbers: \|d filter\|/,
      );
    } finally {
      await tf.setBackend('cpu');
      remove();
    }
  });
});
