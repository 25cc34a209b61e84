import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { availableBackends, backendNames, selectBackend } from './backend.js';
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

describe('selectBackend', () => {
  afterEach(() => vi.restoreAllMocks());

  it('offers one list of backends, in the order they are tried', () => {
    expect(backendNames).toEqual(['tensorflow', 'wasm', 'cpu']);
  });

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
        /^@tensorflow\/tfjs-backend-wasm 4\.22\.\d+ \+ cnnkit kernels \(relaxed SIMD, FMA\), \d+ threads?$/,
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
    await expect(selectBackend({ requested: 'gpu', log: () => {} })).rejects.toThrow(
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
