import * as tf from '@tensorflow/tfjs-core';

/**
 * The parts of tfjs-backend-wasm's `BackendWasm` these kernels rely on. They are not public
 * API, so {@link getWasmBackendInternals} checks every one of them (and the tfjs version the
 * kernels were written against) before anything is registered.
 */
export interface WasmBackendInternals {
  readonly dataIdMap: { get(dataId: tf.DataId): { memoryOffset: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(tensorInfo: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
}

/** The tfjs-core minor version whose wasm backend internals these kernels were written for. */
export const supportedTfjsVersion = '4.22';

/**
 * Returns the registered wasm backend viewed through {@link WasmBackendInternals}, or throws an
 * error naming what is missing when the installed tfjs is not the version these kernels know.
 */
export function getWasmBackendInternals(): WasmBackendInternals {
  const coreVersion = tf.version_core;
  if (!coreVersion.startsWith(`${supportedTfjsVersion}.`)) {
    throw new Error(
      `@cnnkit/wasm-kernels supports @tensorflow/tfjs-core ${supportedTfjsVersion}.x, but ` +
        `${coreVersion} is installed. Install @tensorflow/tfjs-core and ` +
        `@tensorflow/tfjs-backend-wasm ${supportedTfjsVersion}.x, or update @cnnkit/wasm-kernels.`,
    );
  }
  const backend = tf.findBackend('wasm') as unknown as Partial<WasmBackendInternals> | null;
  if (backend == null) {
    throw new Error(
      "The 'wasm' backend is not initialised. Import '@tensorflow/tfjs-backend-wasm' and " +
        "`await tf.setBackend('wasm')` before calling registerWasmTrainingKernels().",
    );
  }
  const missing = (
    ['dataIdMap', 'makeOutput', 'typedArrayFromHeap', 'disposeData'] as const
  ).filter((name) => backend[name] == null);
  if (missing.length === 0) {
    const probe = tf.scalar(0);
    const entry = backend.dataIdMap?.get(probe.dataId);
    probe.dispose();
    if (typeof entry?.memoryOffset !== 'number')
      missing.push('dataIdMap entries with a memoryOffset' as never);
  }
  if (missing.length > 0) {
    throw new Error(
      `The installed @tensorflow/tfjs-backend-wasm lacks internals @cnnkit/wasm-kernels needs ` +
        `(${missing.join(', ')}). Use tfjs-backend-wasm ${supportedTfjsVersion}.x.`,
    );
  }
  return backend as WasmBackendInternals;
}
