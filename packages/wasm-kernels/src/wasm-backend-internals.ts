import * as tf from '@tensorflow/tfjs-core';

/**
 * The parts of tfjs-backend-wasm's `BackendWasm` these kernels rely on. They are not public
 * API, so {@link checkWasmBackendInternals} checks every one of them (and the tfjs version the
 * kernels were written against) before anything is registered.
 */
export interface WasmBackendInternals {
  readonly dataIdMap: { get(dataId: tf.DataId): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(tensorInfo: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
  incRef(dataId: tf.DataId): void;
}

/** The tfjs-core minor version whose wasm backend internals these kernels were written for. */
export const supportedTfjsVersion = '4.22';

const requiredMethods = ['makeOutput', 'typedArrayFromHeap', 'disposeData', 'incRef'] as const;

/**
 * Returns `backend` typed as {@link WasmBackendInternals}, or throws an error naming what does
 * not match: a tfjs-core version other than 4.22.x, no wasm backend, or missing internals.
 * `probe` is a tensor that lives on `backend`, used to check its heap bookkeeping.
 */
export function checkWasmBackendInternals(
  coreVersion: string,
  backend: unknown,
  probe?: tf.TensorInfo,
): WasmBackendInternals {
  if (!coreVersion.startsWith(`${supportedTfjsVersion}.`)) {
    throw new Error(
      `@cnnkit/wasm-kernels supports @tensorflow/tfjs-core ${supportedTfjsVersion}.x, but ` +
        `${coreVersion} is installed. Install @tensorflow/tfjs-core and ` +
        `@tensorflow/tfjs-backend-wasm ${supportedTfjsVersion}.x, or update @cnnkit/wasm-kernels.`,
    );
  }
  if (backend == null) {
    throw new Error(
      "The 'wasm' backend is not initialised. Import '@tensorflow/tfjs-backend-wasm' and " +
        "`await tf.setBackend('wasm')` before calling registerWasmTrainingKernels().",
    );
  }
  const candidate = backend as Partial<Record<string, unknown>>;
  const missing: string[] = requiredMethods.filter((name) => typeof candidate[name] !== 'function');
  const dataIdMap = candidate.dataIdMap as WasmBackendInternals['dataIdMap'] | undefined;
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
  return backend as WasmBackendInternals;
}

/**
 * Where `tensor`'s data starts in the backend's heap. Read it after the last allocation before
 * use: allocating can grow (and move) the heap.
 */
export function heapOffset(backend: WasmBackendInternals, tensor: tf.TensorInfo): number {
  return backend.dataIdMap.get(tensor.dataId)?.memoryOffset as number;
}

/** The wasm backend's own kernels that this package's kernels are built from. */
const kernelsUsed: readonly string[] = [tf.Transpose, tf.Conv2D];

/** {@link checkWasmBackendInternals} applied to the installed tfjs and its 'wasm' backend. */
export function getWasmBackendInternals(): WasmBackendInternals {
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
