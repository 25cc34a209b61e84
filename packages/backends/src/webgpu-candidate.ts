import * as tf from '@tensorflow/tfjs-core';
import { activateBackend } from './activate-backend.js';
import type { BackendCandidate } from './backend-candidate.js';

/** The part of `navigator.gpu` this module uses (declared here: the entry has no DOM types). */
interface Gpu {
  requestAdapter(): Promise<unknown>;
}

/**
 * The webgpu backend, priority 1, marked experimental (tfjs-backend-webgpu is). `load` imports
 * `@tensorflow/tfjs-backend-webgpu` in your app; it is only called where the browser offers a
 * GPU adapter, so browsers without WebGPU never download it.
 *
 * @example
 * ```ts
 * const webgpu = webgpuCandidate(() => import('@tensorflow/tfjs-backend-webgpu'));
 * webgpu.experimental; // true
 * // In Node (and in browsers without WebGPU) it does not start, and says why:
 * const reason = await webgpu.start().catch((error: Error) => error.message);
 * reason; // 'no WebGPU here (navigator.gpu is missing)'
 * ```
 */
export function webgpuCandidate(load: () => Promise<unknown>): BackendCandidate {
  return {
    name: 'webgpu',
    priority: 1,
    experimental: true,
    hint: 'Use a browser with WebGPU enabled and a GPU adapter, or another backend.',
    async start() {
      const gpu = (globalThis as { navigator?: { gpu?: Gpu } }).navigator?.gpu;
      if (gpu == null) throw new Error('no WebGPU here (navigator.gpu is missing)');
      if ((await gpu.requestAdapter()) == null) {
        throw new Error('WebGPU is present but no GPU adapter is available');
      }
      await load();
      await activateBackend('webgpu');
      // tfjs-backend-webgpu exports no version; it is released in step with tfjs-core.
      return {
        version: tf.version_core,
        detail: `tfjs-backend-webgpu ${tf.version_core} (experimental)`,
      };
    },
  };
}
