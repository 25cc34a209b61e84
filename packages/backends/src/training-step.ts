import '@cnnkit/tfjs-gradients';
import * as tf from '@tensorflow/tfjs-core';

/** The numbers one training step produced, by name, for comparing two backends. */
export type TrainingStepValues = ReadonlyMap<string, Float32Array>;

/** Deterministic values in [-scale, scale] that are not a simple pattern. */
function fixedValues(size: number, phase: number, scale: number): Float32Array {
  return Float32Array.from({ length: size }, (_, i) => scale * Math.sin(i * 1.7 + phase));
}

const LEARNING_RATE = 0.1;

/**
 * Runs one tiny, deterministic training step on the active backend and reads back what it
 * computed: two 3×3 conv layers (so Conv2DBackpropInput runs as well as both filters'
 * Conv2DBackpropFilter), relu, max pool, matMul + bias, softmax cross-entropy, the gradients
 * of every parameter (`tf.variableGrads`), an SGD update, and the logits after it.
 *
 * The second conv's output is shifted down before the pool, so about half of the pooling
 * windows have a negative maximum and, with no relu after the pool, still pass gradient back:
 * tfjs-backend-wasm 4.22's own MaxPoolGrad gets exactly those windows wrong.
 *
 * Reads asynchronously (`data()`), which every backend supports (webgpu's `dataSync` is
 * slow and warns). Creates no tensor that outlives the call.
 */
export async function measureTrainingStep(): Promise<TrainingStepValues> {
  // Created inside tidy so the initial-value tensors are released; variables survive tidy.
  const parameters = tf.tidy(() => ({
    filter1: tf.variable(tf.tensor4d(fixedValues(3 * 3 * 3 * 4, 1, 0.4), [3, 3, 3, 4])),
    filter2: tf.variable(tf.tensor4d(fixedValues(3 * 3 * 4 * 4, 2, 0.3), [3, 3, 4, 4])),
    weights: tf.variable(tf.tensor2d(fixedValues(64 * 3, 3, 0.2), [64, 3])),
    bias: tf.variable(tf.tensor1d(fixedValues(3, 4, 0.5))),
  }));
  const variables = Object.values(parameters);
  try {
    const results = tf.tidy(() => {
      const images = tf.tensor4d(fixedValues(2 * 8 * 8 * 3, 0, 1), [2, 8, 8, 3]);
      const labels = tf.cast(tf.oneHot(tf.tensor1d([0, 2], 'int32'), 3), 'float32');
      const logits = () => {
        const hidden = tf.relu(tf.conv2d(images, parameters.filter1, 1, 'same'));
        const shifted = tf.sub<tf.Tensor4D>(tf.conv2d(hidden, parameters.filter2, 1, 'same'), 0.7);
        const pooled = tf.maxPool(shifted, 2, 2, 'valid');
        return tf.add(tf.matMul(tf.reshape(pooled, [2, 64]), parameters.weights), parameters.bias);
      };
      const { value, grads } = tf.variableGrads(
        () => tf.losses.softmaxCrossEntropy(labels, logits()) as tf.Scalar,
        variables,
      );
      const named: [string, tf.Tensor][] = [['loss', value]];
      for (const [name, variable] of Object.entries(parameters)) {
        const gradient = grads[variable.name];
        if (gradient == null) throw new Error(`no gradient for ${name}`);
        named.push([`d ${name}`, gradient]);
        variable.assign(tf.sub(variable, tf.mul(gradient, LEARNING_RATE)));
      }
      named.push(['logits after the SGD update', logits()]);
      return named;
    });
    try {
      const values = await Promise.all(results.map(([, tensor]) => tensor.data()));
      return new Map(results.map(([name], i) => [name, Float32Array.from(values[i] ?? [])]));
    } finally {
      tf.dispose(results.map(([, tensor]) => tensor));
    }
  } finally {
    tf.dispose(variables);
  }
}

/**
 * Where `actual` differs from `expected` by more than `tolerance`, relative to the largest
 * magnitude of each expected quantity (so float32 sums added up in another order — GPUs,
 * SIMD, fused multiply-adds — pass, while a wrong or misplaced value does not); one
 * line per quantity, empty when they agree.
 */
export function stepDifferences(
  actual: TrainingStepValues,
  expected: TrainingStepValues,
  tolerance: number,
): string[] {
  const wrong: string[] = [];
  for (const [name, want] of expected) {
    const got = actual.get(name);
    if (got == null || got.length !== want.length) {
      wrong.push(`${name}: missing`);
      continue;
    }
    let scale = 0;
    let largest = 0;
    let worst = 0;
    for (let i = 0; i < want.length; i++) {
      scale = Math.max(scale, Math.abs(want[i] as number));
      // NaN compares false, so a NaN result counts as the worst difference.
      const difference = Math.abs((got[i] as number) - (want[i] as number));
      if (!(difference <= largest)) {
        largest = Number.isNaN(difference) ? Number.POSITIVE_INFINITY : difference;
        worst = i;
      }
    }
    const relative = largest / Math.max(scale, Number.MIN_VALUE);
    if (!(relative <= tolerance)) {
      const at = want.length === 1 ? '' : `[${worst}]`;
      wrong.push(
        `${name}${at} ${(got[worst] as number).toPrecision(6)} (cpu: ${(want[worst] as number).toPrecision(6)})`,
      );
    }
  }
  return wrong;
}
