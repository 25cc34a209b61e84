import '@tensorflow/tfjs-backend-wasm';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { renderGeneratedFiles } from '../../scripts/compile-kernels.mjs';
import { useWasmWithTrainingKernels } from '../test-support/compare-backends.js';
import { readWasmFacts } from '../test-support/wasm-sections.js';
import { getWasmBackendInternals, heapOffset } from '../wasm-backend-internals.js';
import { simdKernelParameterTypes } from './simd-kernel-bindings.generated.js';
import {
  backendMemory,
  kernelModuleBytes,
  prepareSimdKernels,
  setRelaxedSimdAllowed,
  setSimdWarningSink,
  simdKernelsFor,
  simdVariant,
} from './simd-kernels.js';
import { wasmApi as WebAssembly } from './webassembly-api.js';

// Compiled once, when the file is collected (a few seconds).
const generatedFiles = [...(await renderGeneratedFiles())].map(([path, source]) => ({
  file: fileURLToPath(path).replace(/.*\/src\//, 'src/'),
  source,
}));

describe('the SIMD kernel module', () => {
  it.each(generatedFiles)(
    '$file is up to date with assembly/*.ts (else run `pnpm build:wasm` and commit)',
    async ({ file, source }) => {
      const committed = await readFile(new URL(`../../${file}`, import.meta.url), 'utf8');
      expect(source).toBe(committed);
    },
  );

  it.each([
    ['ordinary', 'simd', false, 0],
    ['ordinary', 'relaxed-simd', false, 0],
    ['shared', 'simd', true, 3],
    ['shared', 'relaxed-simd', true, 3],
  ] as const)(
    'the %s-memory %s build only imports env.memory and cannot touch the heap on its own',
    (_, variant, shared, flags) => {
      const facts = readWasmFacts(kernelModuleBytes(shared, variant));
      expect(facts.imports).toEqual(['env.memory:2']);
      // Bit 0: has a maximum, bit 1: shared. The ordinary variant must declare neither.
      expect(facts.memoryImportFlags).toEqual([flags]);
      // No data segments (11) or data count (12) that would overwrite the backend's heap on
      // instantiation, no start function (8), no globals (6) such as a stack pointer.
      expect(facts.sectionIds).not.toContain(11);
      expect(facts.sectionIds).not.toContain(12);
      expect(facts.sectionIds).not.toContain(8);
      expect(facts.sectionIds).not.toContain(6);
      expect(facts.globalCount).toBe(0);
      // Exactly the kernels of the generated binding, each with the parameter types it
      // declares: the binding and the binary come from the same AssemblyScript signatures.
      expect(facts.exports.sort()).toEqual(
        Object.keys(simdKernelParameterTypes)
          .map((name) => `${name}:0`)
          .sort(),
      );
      expect(facts.functionTypes).toEqual(
        Object.fromEntries(
          Object.entries(simdKernelParameterTypes).map(([name, params]) => [
            name,
            { params, results: '' },
          ]),
        ),
      );
    },
  );

  it('has fused multiply-adds in the relaxed builds only', () => {
    // f32x4.relaxed_madd: prefix 0xfd, opcode 0x105 as LEB128 (0x85 0x02).
    const hasRelaxedMadd = (bytes: Uint8Array) =>
      bytes.some((b, i) => b === 0xfd && bytes[i + 1] === 0x85 && bytes[i + 2] === 0x02);
    for (const shared of [false, true]) {
      expect(hasRelaxedMadd(kernelModuleBytes(shared, 'relaxed-simd'))).toBe(true);
      expect(hasRelaxedMadd(kernelModuleBytes(shared, 'simd'))).toBe(false);
      expect(WebAssembly.validate(kernelModuleBytes(shared, 'simd'))).toBe(true);
    }
  });

  it('picks the relaxed build exactly where the engine validates it', () => {
    const engineHasRelaxedSimd = WebAssembly.validate(kernelModuleBytes(false, 'relaxed-simd'));
    expect(simdVariant()).toBe(engineHasRelaxedSimd ? 'relaxed-simd' : 'simd');
    setRelaxedSimdAllowed(false);
    try {
      expect(simdVariant()).toBe('simd');
    } finally {
      setRelaxedSimdAllowed(true);
    }
  });
});

describe('loading the SIMD module', () => {
  beforeAll(useWasmWithTrainingKernels);
  afterEach(() => setSimdWarningSink((message) => console.warn(message)));

  it('binds to the wasm backend memory in Node and works on its tensors in place', () => {
    const backend = tf.findBackend('wasm');
    expect(backendMemory(backend)).toBeDefined();
    const kernels = simdKernelsFor(backend);
    expect(kernels).toBeDefined();
    expect(simdKernelsFor(backend)).toBe(kernels);
    const a = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const b = tf.tensor2d([5, 6, 7, 8], [2, 2]);
    const c = tf.zeros([2, 2]);
    const internals = getWasmBackendInternals();
    const offset = (t: tf.Tensor) => heapOffset(internals, t);
    kernels?.matmul(
      {
        a: offset(a),
        b: offset(b),
        c: offset(c),
        m: 2,
        n: 2,
        k: 2,
        transposeA: 0,
        transposeB: 0,
      },
      { parts: 1, work: 8 },
    );
    expect(Array.from(c.dataSync())).toEqual([19, 22, 43, 50]);
    tf.dispose([a, b, c]);
  });

  it('prepares asynchronously (for browser main threads) to the same instance', async () => {
    const backend = tf.findBackend('wasm');
    expect(await prepareSimdKernels(backend)).toBe(true);
    expect(simdKernelsFor(backend)).toBeDefined();
  });

  it('uses the shared-memory variant for a shared memory (multi-threaded backend)', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true });
    expect(memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    // What tfjs-backend-wasm's threaded build looks like: the memory on `wasm.wasmMemory`.
    const kernels = simdKernelsFor({ wasm: { wasmMemory: memory } });
    expect(kernels).toBeDefined();
    const heap = new Float32Array(memory.buffer);
    heap.set([1, 2, 3, 4, 10, 20, 30, 40], 0);
    kernels?.sgdStep(
      {
        param: 0,
        grad: 16,
        buffer: 0,
        outParam: 64,
        outBuffer: 0,
        n: 4,
        lr: 0.5,
        momentum: 0,
        weightDecay: 0,
        hasBuffer: 0,
        nesterov: 0,
      },
      { parts: 1, work: 4 },
    );
    expect(Array.from(heap.subarray(16, 20))).toEqual([-4, -8, -12, -16]);
    // The ordinary variant cannot be linked to a shared memory: the reason for two variants.
    const plain = new WebAssembly.Module(kernelModuleBytes(false));
    expect(() => new WebAssembly.Instance(plain, { env: { memory } })).toThrow(
      WebAssembly.LinkError,
    );
  });

  it('falls back with one clear warning when the module cannot start', () => {
    const warnings: string[] = [];
    setSimdWarningSink((message) => warnings.push(message));
    const spy = vi.spyOn(WebAssembly, 'Instance').mockImplementation(function refuse() {
      throw new RangeError('WebAssembly.Instance is disallowed on the main thread');
    });
    try {
      const memory = new WebAssembly.Memory({ initial: 1 });
      expect(simdKernelsFor({ wasm: { asm: { memory } } })).toBeUndefined();
      expect(simdKernelsFor({ wasm: { asm: { memory } } })).toBeUndefined();
    } finally {
      spy.mockRestore();
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/disallowed on the main thread.*slower fallback kernels/);
    expect(warnings[0]).toContain('await prepareWasmTrainingKernels()');
  });

  it('refuses a binary whose exports do not match the binding, naming them', () => {
    const warnings: string[] = [];
    setSimdWarningSink((message) => warnings.push(message));
    const binding = Object.fromEntries(
      Object.entries(simdKernelParameterTypes).map(([name, types]) => [
        name,
        new Function(...types.split(' ').map((_, i) => `p${i}`), ''),
      ]),
    );
    // One export with a parameter too few: what an AssemblyScript change without build:wasm gives.
    const exports = { ...binding, matmul: (a: number, b: number) => a + b };
    const spy = vi.spyOn(WebAssembly, 'Instance').mockImplementation(function stale() {
      return { exports };
    });
    try {
      const memory = new WebAssembly.Memory({ initial: 1 });
      expect(simdKernelsFor({ wasm: { asm: { memory } } })).toBeUndefined();
    } finally {
      spy.mockRestore();
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(
      'its exports do not match src/simd/simd-kernel-bindings.generated.ts (matmul)',
    );
  });

  it('has nothing to bind to without a wasm backend memory', () => {
    expect(simdKernelsFor(tf.findBackend('cpu') ?? null)).toBeUndefined();
    expect(simdKernelsFor({})).toBeUndefined();
  });
});
