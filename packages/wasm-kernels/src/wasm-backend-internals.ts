import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import type { HeapOffset } from './simd/simd-kernel-bindings.generated.js';

/**
 * The parts of tfjs-backend-wasm's `BackendWasm` these kernels rely on. They are not public
 * API (their types come from the installed package, so a rename fails to compile), and
 * {@link checkWasmBackendInternals} checks every one of them at run time, with the tfjs version
 * the kernels were written against, before anything is registered.
 */
export type WasmBackendInternals = Pick<
  BackendWasm,
  'dataIdMap' | 'makeOutput' | 'typedArrayFromHeap' | 'disposeData' | 'incRef'
>;

/** The 'wasm' backend as the kernels see it: a tfjs backend with the internals above. */
export type WasmBackend = tf.KernelBackend & WasmBackendInternals;

/**
 * The tfjs-core minor version whose wasm backend internals these kernels were written for: the
 * kernels refuse to start on another (with an error naming both versions).
 *
 * @example
 * ```ts
 * supportedTfjsVersion; // '4.22'
 * tf.version_core.startsWith(`${supportedTfjsVersion}.`); // true
 * ```
 */
export const supportedTfjsVersion = '4.22';

const requiredMethods = ['makeOutput', 'typedArrayFromHeap', 'disposeData', 'incRef'] as const;

/**
 * Returns `backend` typed as {@link WasmBackend}, or throws an error naming what does not
 * match: a tfjs-core version other than 4.22.x, no wasm backend, or missing internals.
 * `probe` is a tensor that lives on `backend`, used to check its heap bookkeeping.
 */
export function checkWasmBackendInternals(
  coreVersion: string,
  backend: unknown,
  probe?: tf.TensorInfo,
): WasmBackend {
  if (!coreVersion.startsWith(`${supportedTfjsVersion}.`)) {
    throw new Error(
      `@cnnkit/wasm-kernels supports @tensorflow/tfjs-core ${supportedTfjsVersion}.x, but ` +
        `${coreVersion} is installed. Install @tensorflow/tfjs-core and ` +
        `@tensorflow/tfjs-backend-wasm ${supportedTfjsVersion}.x, or update @cnnkit/wasm-kernels.`,
    );
  }
  if (backend == null) {
    throw new Error(
      "The 'wasm' backend is not running: `await startWasmTraining()` starts it with these " +
        "kernels; if you start tfjs yourself, check that `await tf.setBackend('wasm')` " +
        'returned true before calling registerWasmTrainingKernels().',
    );
  }
  const member = (name: string): unknown => Reflect.get(Object(backend), name);
  const missing: string[] = requiredMethods.filter((name) => typeof member(name) !== 'function');
  const dataIdMap = member('dataIdMap') as
    | { get?(dataId: tf.DataId): { memoryOffset?: unknown } | undefined }
    | undefined;
  if (typeof dataIdMap?.get !== 'function') {
    missing.push('dataIdMap');
  } else if (probe != null && typeof dataIdMap.get(probe.dataId)?.memoryOffset !== 'number') {
    missing.push('dataIdMap entries with a memoryOffset');
  }
  if (missing.length > 0) {
    throw new Error(
      `The installed @tensorflow/tfjs-backend-wasm lacks internals @cnnkit/wasm-kernels needs ` +
        `(${missing.join(', ')}). Use @tensorflow/tfjs-backend-wasm ${supportedTfjsVersion}.x.`,
    );
  }
  return backend as WasmBackend;
}

/**
 * Where `tensor`'s data starts in the backend's heap. Offsets stay valid when the heap grows
 * (only typed-array views of it detach).
 */
export function heapOffset(backend: WasmBackendInternals, tensor: tf.TensorInfo): HeapOffset {
  return backend.dataIdMap.get(tensor.dataId).memoryOffset;
}

/** `tensor`'s float32 data as a view of the heap. Take it after the last allocation before use. */
export function heapFloat32(backend: WasmBackendInternals, tensor: tf.TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(tensor) as Float32Array;
}

/** The wasm backend's own kernels that this package's kernels are built from. */
const kernelsUsed: readonly string[] = [tf.Transpose, tf.Conv2D];

/** {@link checkWasmBackendInternals} applied to the installed tfjs and its 'wasm' backend. */
export function getWasmBackendInternals(): WasmBackend {
  const missingKernels = kernelsUsed.filter((name) => tf.getKernel(name, 'wasm') == null);
  if (missingKernels.length > 0) {
    throw new Error(
      `The 'wasm' backend has no ${missingKernels.join(', ')} kernel, which @cnnkit/wasm-kernels ` +
        `builds on. Import '@tensorflow/tfjs-backend-wasm' ${supportedTfjsVersion}.x (all kernels).`,
    );
  }
  const backend = tf.findBackend('wasm');
  if (backend == null || tf.getBackend() !== 'wasm') {
    return checkWasmBackendInternals(tf.version_core, backend);
  }
  const probe = tf.scalar(0);
  try {
    return checkWasmBackendInternals(tf.version_core, backend, probe);
  } finally {
    probe.dispose();
  }
}
