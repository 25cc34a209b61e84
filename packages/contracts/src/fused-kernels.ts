import * as tf from '@tensorflow/tfjs-core';

/**
 * An optional kernel a backend may register to speed up part of a model or training step.
 * Libraries look it up by name in tfjs's kernel registry and fall back to plain tfjs ops when
 * the active backend lacks it, so they never import backend code. The type parameters are the
 * contract both sides compile against: the caller's tensors, the attributes and the outputs.
 */
export interface FusedKernel<
  Inputs extends { readonly [name: string]: tf.Tensor },
  Attrs extends object,
  Outputs extends readonly tf.Tensor[],
> {
  readonly kernelName: string;
  /** Type-only; never set. Carries `Inputs`, `Attrs` and `Outputs` for the helpers below. */
  readonly contract?: { inputs: Inputs; attrs: Attrs; outputs: Outputs };
}

/** The inputs of a fused kernel as its implementation receives them (tensor infos). */
export type FusedKernelInputs<K> =
  K extends FusedKernel<infer I, infer _A, infer _O>
    ? { readonly [name in keyof I]: tf.TensorInfo }
    : never;

/** The attributes of a fused kernel. */
export type FusedKernelAttrs<K> = K extends FusedKernel<infer _I, infer A, infer _O> ? A : never;

/** Any fused kernel declaration, whatever its contract. */
export type AnyFusedKernel = Pick<FusedKernel<never, never, never>, 'kernelName'>;

/** The attributes of a fused kernel that takes none. */
export type NoAttrs = Record<string, never>;

/**
 * `relu(x + bias)`, the bias along the last axis. Inputs `x` (float32, last axis `channels`)
 * and `bias` (float32 `[channels]`); output `relu(x + bias)`, where NaN stays NaN. Used by
 * `@cnnkit/models`' `biasRelu`; its gradient is {@link biasReluGradKernel}.
 */
export const biasReluKernel: FusedKernel<
  { x: tf.Tensor; bias: tf.Tensor },
  NoAttrs,
  [y: tf.Tensor]
> = { kernelName: 'CnnkitBiasRelu' };

/**
 * The gradient of {@link biasReluKernel}. Inputs `dy` and `y` (the forward output); outputs
 * `dx = dy · step(y)` (0 where y ≤ 0, NaN where y is NaN, like tfjs's relu gradient) and
 * `dBias`, the sum of `dx` over every axis but the last.
 */
export const biasReluGradKernel: FusedKernel<
  { dy: tf.Tensor; y: tf.Tensor },
  NoAttrs,
  [dx: tf.Tensor, dBias: tf.Tensor1D]
> = { kernelName: 'CnnkitBiasReluGrad' };

/**
 * The exact GELU of `torch.nn.GELU()`: `x · Φ(x) = 0.5 · x · (1 + erf(x / √2))`, element-wise.
 * Input `x` (float32); output `y`, within 2e-6 of PyTorch's over [-8, 8] (the accuracy of
 * tfjs's `erf`). Used by `@cnnkit/models`' `gelu`; its gradient is {@link geluGradKernel}.
 */
export const geluKernel: FusedKernel<{ x: tf.Tensor }, NoAttrs, [y: tf.Tensor]> = {
  kernelName: 'CnnkitGelu',
};

/**
 * The gradient of {@link geluKernel}. Inputs `dy` and `x` (the forward input, same shape);
 * output `dx = dy · (Φ(x) + x · φ(x))`, φ the standard normal density.
 */
export const geluGradKernel: FusedKernel<
  { dy: tf.Tensor; x: tf.Tensor },
  NoAttrs,
  [dx: tf.Tensor]
> = { kernelName: 'CnnkitGeluGrad' };

/** The attributes of {@link batchNormTrainKernel}. */
export interface BatchNormTrainAttrs {
  /** Added to the variance before the square root. */
  readonly eps: number;
}

/**
 * BatchNorm's training-mode forward over every axis but the last (NHWC maps), with batch
 * statistics. Inputs `x` (float32, last axis `channels`), `scale` and `offset` (float32
 * `[channels]`); outputs `y = x̂ · scale + offset`, the normalised `x̂ = (x − mean) · invStd`
 * (x's shape), and the float32 `[channels]` batch `mean`, biased `variance` and
 * `invStd = 1/√(variance + eps)`. Used by `@cnnkit/models`' BatchNorm2d; its gradient is
 * {@link batchNormTrainGradKernel}.
 */
export const batchNormTrainKernel: FusedKernel<
  { x: tf.Tensor; scale: tf.Tensor1D; offset: tf.Tensor1D },
  BatchNormTrainAttrs,
  [
    y: tf.Tensor,
    normalised: tf.Tensor,
    mean: tf.Tensor1D,
    variance: tf.Tensor1D,
    invStd: tf.Tensor1D,
  ]
> = { kernelName: 'CnnkitBatchNormTrain' };

/**
 * The gradient of {@link batchNormTrainKernel} (PyTorch's batch_norm_backward). Inputs `dy`,
 * `normalised` (the forward's x̂, same shape), `scale` and `invStd` (`[channels]`); outputs
 * `dx = scale · invStd · (dy − mean(dy) − x̂ · mean(dy · x̂))`, `dScale = Σ dy · x̂` and
 * `dOffset = Σ dy`, the means and sums over every axis but the last.
 */
export const batchNormTrainGradKernel: FusedKernel<
  { dy: tf.Tensor; normalised: tf.Tensor; scale: tf.Tensor1D; invStd: tf.Tensor1D },
  NoAttrs,
  [dx: tf.Tensor, dScale: tf.Tensor1D, dOffset: tf.Tensor1D]
> = { kernelName: 'CnnkitBatchNormTrainGrad' };

/**
 * Mean softmax cross-entropy and its gradient in one call. Inputs `logits` (float32
 * `[batch, numClasses]`) and `labels` (int32 `[batch]`); outputs the float32 scalar
 * `-mean_b log(softmax(logits_b)[labels_b])` and the float32 `[batch, numClasses]` gradient
 * `(softmax(logits) - oneHot(labels)) / batch`, where a label outside `[0, numClasses)` has an
 * all-zero one-hot row (as `tf.oneHot` gives). Used by `@cnnkit/trainer`'s `crossEntropyLoss`.
 */
export const softmaxCrossEntropyKernel: FusedKernel<
  { logits: tf.Tensor2D; labels: tf.Tensor1D },
  NoAttrs,
  [loss: tf.Scalar, gradient: tf.Tensor2D]
> = { kernelName: 'CnnkitSoftmaxCrossEntropy' };

/** The attributes of {@link fusedSgdKernel}: `torch.optim.SGD`'s settings (dampening 0). */
export interface FusedSgdAttrs {
  /** Number of parameters. */
  readonly count: number;
  readonly lr: number;
  readonly momentum: number;
  readonly weightDecay: number;
  readonly nesterov: boolean;
  /** Whether `buffer{i}` inputs (momentum buffers) are given and returned. */
  readonly hasBuffers: boolean;
}

/**
 * A whole SGD-with-momentum step. Inputs `param{i}`, `grad{i}` and, when `hasBuffers`,
 * `buffer{i}` for `i < count` (float32), and an optional bool scalar `apply`; outputs the
 * `count` new parameters, then the new buffers, computed with the unfused ops' float32
 * arithmetic in the same order (bit-identical to them); copies of the inputs when `apply` is
 * false. Used by `@cnnkit/trainer`'s `SgdOptimizer`.
 */
export const fusedSgdKernel: FusedKernel<
  { [input: string]: tf.Tensor },
  FusedSgdAttrs,
  tf.Tensor[]
> = { kernelName: 'CnnkitFusedSgd' };

/**
 * Whether the active backend has `kernel`.
 *
 * @example
 * ```ts
 * await tf.setBackend('cpu');
 * hasFusedKernel(softmaxCrossEntropyKernel); // false
 * ```
 */
export function hasFusedKernel(kernel: AnyFusedKernel): boolean {
  return tf.getKernel(kernel.kernelName, tf.getBackend()) != null;
}

/**
 * Runs `kernel` on the active backend with type-checked inputs and attributes, recording it
 * on the gradient tape like any tfjs op. Check {@link hasFusedKernel} first.
 *
 * @example
 * ```ts
 * // A plain-JavaScript stand-in on cpu, registered the way a backend package would.
 * tf.registerKernel(
 *   defineFusedKernel(biasReluKernel, 'cpu', ({ inputs, backend }) => {
 *     const cpu = backend as unknown as { readSync(id: object): Float32Array; makeTensorInfo(shape: number[], dtype: string, values: Float32Array): tf.TensorInfo };
 *     const x = cpu.readSync(inputs.x.dataId);
 *     const bias = cpu.readSync(inputs.bias.dataId);
 *     const y = x.map((v, i) => Math.max(0, v + (bias[i % bias.length] as number)));
 *     return [cpu.makeTensorInfo([...inputs.x.shape], 'float32', y)];
 *   }),
 * );
 * const [y] = runFusedKernel(biasReluKernel, { x: tf.tensor2d([[1, -2], [-3, 4]]), bias: tf.tensor1d([0.5, 1]) });
 * Array.from(y.dataSync()); // [1.5, 0, 0, 5]
 * ```
 */
export function runFusedKernel<
  I extends { readonly [name: string]: tf.Tensor },
  A extends object,
  O extends readonly tf.Tensor[],
>(kernel: FusedKernel<I, A, O>, inputs: I, attrs?: A): O {
  return tf
    .engine()
    .runKernel(
      kernel.kernelName,
      inputs as unknown as tf.NamedTensorMap,
      (attrs ?? {}) as unknown as tf.NamedAttrMap,
    ) as unknown as O;
}

/**
 * A tfjs kernel config implementing `kernel` on `backendName`, with the implementation's
 * inputs and attributes typed from the contract (so a renamed input fails to compile). Pass
 * the result to `tf.registerKernel`.
 *
 * @example
 * ```ts
 * const config = defineFusedKernel(softmaxCrossEntropyKernel, 'wasm', ({ inputs }) => {
 *   throw new Error(`not implemented for ${inputs.logits.shape}`);
 * });
 * config.kernelName; // 'CnnkitSoftmaxCrossEntropy'
 * ```
 */
export function defineFusedKernel<K extends AnyFusedKernel>(
  kernel: K,
  backendName: string,
  kernelFunc: (args: {
    inputs: FusedKernelInputs<K>;
    attrs: FusedKernelAttrs<K>;
    backend: tf.KernelBackend;
  }) => tf.TensorInfo[],
): tf.KernelConfig {
  return {
    kernelName: kernel.kernelName,
    backendName,
    kernelFunc: kernelFunc as unknown as tf.KernelFunc,
  };
}
