import { SimpleCNN } from '@cnnkit/models';
import { crossEntropyLoss, SgdOptimizer } from '@cnnkit/trainer';
import * as tf from '@tensorflow/tfjs-core';

/** What one SimpleCNN training step computes, reduced to a few comparable numbers. */
export interface StepFingerprint {
  readonly loss: number;
  /** Sum of |gradient| per parameter, in state_dict order. */
  readonly gradientSums: readonly number[];
  /** Logits of the two check images after two SGD steps. */
  readonly logitsAfter: readonly number[];
}

function fixedValues(size: number, phase: number): Float32Array {
  return Float32Array.from({ length: size }, (_, i) => Math.sin(i * 1.7 + phase));
}

/**
 * Runs a forward pass, gradients and two SGD-with-momentum steps of SimpleCNN on two fixed
 * images on the active backend. Every kernel a training step uses runs, so a missing kernel
 * throws here, and a wrong one shows up when the result is compared with the cpu backend's.
 */
export function measureTrainingStep(): StepFingerprint {
  const model = SimpleCNN.create({ seed: 7 });
  const optimizer = new SgdOptimizer(model.parameters, { lr: 0.05, momentum: 0.9 });
  const variables = model.parameters.map((p) => p.variable);
  try {
    return tf.tidy(() => {
      const images = tf.tensor4d(fixedValues(2 * 32 * 32 * 3, 0), [2, 32, 32, 3]);
      const labels = tf.tensor1d([1, 8], 'int32');
      let loss = 0;
      let gradientSums: number[] = [];
      for (let step = 0; step < 2; step++) {
        const { value, grads } = tf.variableGrads(
          () => crossEntropyLoss(model.logits(images), labels),
          variables,
        );
        const byName = new Map(
          model.parameters.map((p) => [p.name, grads[p.variable.name] as tf.Tensor]),
        );
        if (step === 0) {
          loss = value.dataSync()[0] as number;
          gradientSums = model.parameters.map(
            (p) => tf.sum(tf.abs(byName.get(p.name) as tf.Tensor)).dataSync()[0] as number,
          );
        }
        optimizer.step(byName);
      }
      return {
        loss,
        gradientSums,
        logitsAfter: Array.from(model.logits(images).dataSync()),
      };
    });
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

/**
 * The differences between a backend's fingerprint and the reference (cpu) one beyond a relative
 * tolerance; empty when they agree. float32 GPUs and SIMD reorder sums, hence the tolerance.
 */
export function fingerprintDifferences(
  actual: StepFingerprint,
  expected: StepFingerprint,
  tolerance = 2e-3,
): string[] {
  const wrong: string[] = [];
  const compare = (what: string, a: number, e: number) => {
    if (!(Math.abs(a - e) <= tolerance * Math.max(1, Math.abs(e)))) {
      wrong.push(`${what} ${a.toPrecision(6)} (cpu: ${e.toPrecision(6)})`);
    }
  };
  compare('loss', actual.loss, expected.loss);
  expected.gradientSums.forEach((e, i) => {
    compare(`|grad ${i}|`, actual.gradientSums[i] ?? Number.NaN, e);
  });
  expected.logitsAfter.forEach((e, i) => {
    compare(`logit ${i} after 2 steps`, actual.logitsAfter[i] ?? Number.NaN, e);
  });
  return wrong;
}
