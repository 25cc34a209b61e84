import '@tensorflow/tfjs-backend-wasm';
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
// @ts-expect-error -- a plain ESM build script without type declarations
import { compileKernels, renderGeneratedModule } from '../../scripts/compile-kernels.mjs';
import { useWasmWithTrainingKernels } from '../test-support/compare-backends.js';
import { readWasmFacts } from '../test-support/wasm-sections.js';
import {
  backendMemory,
  kernelModuleBytes,
  prepareSimdKernels,
  setRelaxedSimdAllowed,
  setSimdWarningSink,
  simdKernelsFor,
  simdVariant,
} from './simd-kernels.js';

// The package's TypeScript settings have no DOM library and @types/node has no WebAssembly.
interface WebAssemblyForTests {
  Memory: new (descriptor: {
    initial: number;
    maximum?: number;
    shared?: boolean;
  }) => { buffer: ArrayBufferLike };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => object;
  LinkError: new () => Error;
  validate(bytes: Uint8Array): boolean;
}
const WebAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyForTests }).WebAssembly;

const exportedKernels = [
  'sgdStep:0',
  'matmul:0',
  'toPaddedPlanar:0',
  'conv2dFilterGrad:0',
  'maxPoolGrad:0',
  'transpose2d:0',
  'col2im:0',
  'addBias:0',
  'biasReluGrad:0',
  'sumRows:0',
  'conv2dForward:0',
];

describe('the SIMD kernel module', () => {
  it('is up to date with assembly/*.ts (else run `pnpm build:wasm` and commit)', async () => {
    const fresh = renderGeneratedModule(await compileKernels());
    const committed = await readFile(
      new URL('./kernels-wasm.generated.ts', import.meta.url),
      'utf8',
    );
    expect(fresh).toBe(committed);
  }, 60_000);

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
      expect(facts.exports).toEqual(exportedKernels);
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
    const internals = backend as unknown as {
      dataIdMap: { get(id: tf.DataId): { memoryOffset: number } };
    };
    const offset = (t: tf.Tensor) => internals.dataIdMap.get(t.dataId).memoryOffset;
    kernels?.matmul(offset(a), offset(b), offset(c), 2, 2, 2, 0, 0);
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
    kernels?.sgdStep(0, 16, 0, 64, 0, 4, 0.5, 0, 0, 0, 0);
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

  it('has nothing to bind to without a wasm backend memory', () => {
    expect(simdKernelsFor(tf.findBackend('cpu') ?? null)).toBeUndefined();
    expect(simdKernelsFor({})).toBeUndefined();
  });
});
