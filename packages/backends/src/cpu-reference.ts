import * as tf from '@tensorflow/tfjs-core';
import { activateBackend } from './activate-backend.js';
import { firstLine } from './first-line.js';
import { quietCpuBackend } from './quiet-cpu-backend.js';
import { measureTrainingStep, type TrainingStepValues } from './training-step.js';

/** The training step as the cpu backend computes it, and the kernels it ran. */
export interface CpuReference {
  readonly values: TrainingStepValues;
  /** Every kernel the step ran: the ones another backend needs to train. */
  readonly kernelNames: readonly string[];
}

// Measured once per process: the step is deterministic, and switching to cpu and back for
// every check would reinitialise nothing but still cost a backend switch.
let reference: Promise<CpuReference> | undefined;

/**
 * The cpu backend's result of {@link measureTrainingStep}, measured on first use (which
 * switches to cpu and back to the active backend). The kernel list comes from `tf.profile`,
 * so it always matches what the step really runs.
 */
export function cpuReference(): Promise<CpuReference> {
  reference ??= measureOnCpu();
  return reference;
}

async function measureOnCpu(): Promise<CpuReference> {
  const previous: string | undefined = tf.getBackend();
  try {
    await import('@tensorflow/tfjs-backend-cpu');
  } catch (error) {
    throw new Error(
      `the training check compares with @tensorflow/tfjs-backend-cpu, which did not load (${firstLine(error)}); install it at the version of @tensorflow/tfjs-core`,
    );
  }
  await activateBackend('cpu');
  quietCpuBackend();
  try {
    let values: TrainingStepValues = new Map();
    const profile = await tf.profile(async () => {
      values = await measureTrainingStep();
      return [];
    });
    // The profile also lists the scopes of ops with custom gradients (softmaxCrossEntropy__op):
    // only registered kernels count.
    const kernelNames = profile.kernelNames.filter((name) => tf.getKernel(name, 'cpu') != null);
    return { values, kernelNames };
  } finally {
    if (previous != null && previous !== 'cpu') await tf.setBackend(previous);
  }
}
