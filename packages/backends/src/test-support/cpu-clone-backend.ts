import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Registers a tfjs backend named `name` that is the cpu backend with some kernels swapped
 * (`alter` returns the config to register, or undefined to leave the kernel out), so tests
 * can have working, incomplete and wrong backends. Returns a function that removes it.
 */
export function registerCpuClone(
  name: string,
  alter: (config: tf.KernelConfig) => tf.KernelConfig | undefined = (config) => config,
): () => void {
  tf.registerBackend(name, () => {
    const backend = new MathBackendCPU();
    // No "install tfjs-node" advice in the test output.
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
