import * as tf from '@tensorflow/tfjs-core';
import { activateBackend } from './activate-backend.js';
import type { BackendCandidate } from './backend-candidate.js';
import { quietCpuBackend } from './quiet-cpu-backend.js';

/**
 * The cpu backend (plain JavaScript: everywhere, slowest), priority 0. `load` imports
 * `@tensorflow/tfjs-backend-cpu` in your app, so your bundler resolves it. Starting it turns
 * off tfjs's one-time "install tfjs-node" advice on stderr: whoever picks cpu did so on purpose.
 *
 * @example
 * ```ts
 * const cpu = cpuCandidate(() => import('@tensorflow/tfjs-backend-cpu'));
 * cpu.name; // 'cpu'
 * const { version } = await cpu.start();
 * version; // '4.22.0'
 * tf.getBackend(); // 'cpu'
 * ```
 */
export function cpuCandidate(
  load: () => Promise<{ readonly version_cpu?: string }>,
): BackendCandidate {
  return {
    name: 'cpu',
    priority: 0,
    hint: 'Install @tensorflow/tfjs-backend-cpu at the version of @tensorflow/tfjs-core.',
    async start() {
      const cpu = await load();
      await activateBackend('cpu');
      quietCpuBackend();
      const version = cpu.version_cpu ?? tf.version_core;
      return {
        version,
        detail: `@tensorflow/tfjs-backend-cpu ${version} (plain JavaScript, slowest)`,
      };
    },
  };
}
