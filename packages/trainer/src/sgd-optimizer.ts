import {
  fusedSgdKernel,
  hasFusedKernel,
  type NamedParameter,
  type ResolvedSgdConfig,
  runFusedKernel,
  type SgdConfig,
} from '@cnnkit/contracts';
import * as tf from '@tensorflow/tfjs-core';
import { type ResolvedSgdGroup, resolveSgdGroups } from './sgd-parameter-groups.js';

/** A momentum buffer's contents, for checkpoints. */
export interface MomentumBufferValues {
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** Per-step settings of {@link SgdOptimizer.step}. */
export interface SgdStepOptions {
  /** Multiplies every group's learning rate for this step: a schedule's factor. Default 1. */
  readonly lrFactor?: number;
  /**
   * Parameters to leave alone this step, as PyTorch does for one without a gradient
   * (`requires_grad` off): no update, no weight decay, momentum buffer kept. They need no
   * gradient.
   */
  readonly skip?: ReadonlySet<string>;
}

function checkSgdConfig(config: SgdConfig): ResolvedSgdConfig {
  const { lr, momentum = 0, weightDecay = 0, nesterov = false, groups } = config;
  const nonNegative = { lr, momentum, weightDecay };
  for (const [name, value] of Object.entries(nonNegative)) {
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      throw new RangeError(
        `SGD ${name} must be a finite number >= 0, got ${String(value)}. Use e.g. lr 0.001, momentum 0.9.`,
      );
    }
  }
  if (nesterov && momentum <= 0) {
    throw new RangeError(
      `Nesterov momentum needs momentum > 0, got momentum ${momentum}. Set a momentum or nesterov: false.`,
    );
  }
  if (groups !== undefined && !Array.isArray(groups)) {
    throw new TypeError(`SGD groups must be an array, got ${JSON.stringify(groups)}.`);
  }
  // No `groups` key without groups, so a plain optimizer's checkpoint state is as before.
  return {
    lr,
    momentum,
    weightDecay,
    nesterov,
    ...(groups ? { groups: structuredClone(groups) } : {}),
  };
}

/**
 * Stochastic gradient descent with momentum, following `torch.optim.SGD` (dampening 0):
 * `g = grad + weightDecay·p`; `buf = momentum·buf + g` (the first step gives `buf = g`, which
 * zero-initialised buffers reproduce exactly); `g = nesterov ? g + momentum·buf : buf`;
 * `p = p - lr·g`. Momentum buffers are tf.Variables keyed by parameter name. On a backend with
 * the fused `fusedSgdKernel` of `@cnnkit/contracts` (`@cnnkit/wasm-kernels` registers one for
 * 'wasm') a step is one kernel call per parameter group instead of about ten ops per parameter.
 *
 * Weight decay is PyTorch's coupled form (L2 added to the gradient, then momentum), not
 * AdamW-style decoupled decay. Parameter groups (`groups`, like torch's `param_groups`) give
 * some parameters their own learning rate scale and weight decay — airbench's BatchNorm biases
 * train at lr × 64 with `weight_decay` divided by 64, which keeps `lr·weight_decay`, the decay
 * actually applied per step, equal for every group. `step` takes a learning-rate factor (a
 * schedule's, like `LambdaLR`) and parameters to skip (frozen ones).
 *
 * @example
 * ```ts
 * const w = tf.tidy(() => tf.variable(tf.tensor1d([1, 2])));
 * const sgd = new SgdOptimizer([{ name: 'w', variable: w }], { lr: 0.1, momentum: 0.9 });
 * const grad = tf.tensor1d([1, 1]);
 * sgd.step(new Map([['w', grad]]));
 * w.dataSync(); // Float32Array [0.9, 1.9]
 * tf.dispose([grad, w]);
 * sgd.dispose();
 *
 * // airbench's groups: BatchNorm biases at lr × 64; this step at half the learning rate.
 * const weight = tf.tidy(() => tf.variable(tf.tensor1d([1])));
 * const bias = tf.tidy(() => tf.variable(tf.tensor1d([1])));
 * const grouped = new SgdOptimizer(
 *   [
 *     { name: 'conv.weight', variable: weight, kind: 'weight' },
 *     { name: 'norm.bias', variable: bias, kind: 'norm-bias' },
 *   ],
 *   { lr: 0.01, groups: [{ kinds: ['norm-bias'], lrScale: 64 }] },
 * );
 * const ones = tf.tensor1d([1]);
 * grouped.step(new Map([['conv.weight', ones], ['norm.bias', ones]]), undefined, { lrFactor: 0.5 });
 * weight.dataSync()[0]; // ≈ 0.995
 * bias.dataSync()[0]; // ≈ 0.68
 * tf.dispose([weight, bias, ones]);
 * grouped.dispose();
 * ```
 */
export class SgdOptimizer {
  readonly config: ResolvedSgdConfig;
  /**
   * The names of the parameters this optimizer updates, in order. {@link train} differentiates
   * only these, so a model's other parameters stay frozen (fine-tuning a head).
   */
  readonly parameterNames: readonly string[];
  private readonly parameters: readonly NamedParameter[];
  private readonly groups: readonly ResolvedSgdGroup[];
  private readonly buffers = new Map<string, tf.Variable>();

  constructor(parameters: readonly NamedParameter[], config: SgdConfig) {
    this.config = checkSgdConfig(config);
    const seen = new Set<string>();
    for (const { name } of parameters) {
      if (seen.has(name)) {
        throw new Error(`SgdOptimizer got two parameters named "${name}"; names must be unique.`);
      }
      seen.add(name);
    }
    this.parameters = parameters;
    this.parameterNames = parameters.map((p) => p.name);
    this.groups = resolveSgdGroups(parameters, this.config, this.config.groups ?? []);
    if (this.config.momentum > 0) {
      for (const { name, variable } of parameters) {
        // Not trainable, so tf.variableGrads never differentiates the buffers themselves.
        this.buffers.set(
          name,
          tf.tidy(() => tf.variable(tf.zerosLike(variable), false)),
        );
      }
    }
  }

  /**
   * Applies one update. `gradients` maps each parameter name to its gradient. With `apply`
   * (a boolean scalar), parameters and buffers change only where it is true: the trainer uses
   * it to skip an update whose loss was not finite without reading the loss back first.
   * `options` scale this step's learning rates and name parameters to leave alone.
   */
  step(
    gradients: ReadonlyMap<string, tf.Tensor>,
    apply?: tf.Scalar,
    options: SgdStepOptions = {},
  ): void {
    const { lrFactor = 1, skip } = options;
    if (!(Number.isFinite(lrFactor) && lrFactor >= 0)) {
      throw new RangeError(
        `SGD lrFactor must be a finite number >= 0, got ${String(lrFactor)}; check the learning-rate schedule.`,
      );
    }
    for (const { name } of this.parameters) {
      if (!gradients.has(name) && !skip?.has(name)) {
        throw new Error(
          `No gradient for parameter "${name}"; pass one gradient per parameter (got ${[...gradients.keys()].join(', ')}).`,
        );
      }
    }
    for (const group of this.groups) {
      const parameters = skip
        ? group.parameters.filter(({ name }) => !skip.has(name))
        : group.parameters;
      if (parameters.length === 0) continue;
      // lrFactor 1 keeps the group's lr exactly (no rounding), so plain runs are unchanged.
      const lr = lrFactor === 1 ? group.lr : group.lr * lrFactor;
      const settings = { lr, weightDecay: group.weightDecay };
      if (this.canFuse(parameters, gradients))
        this.fusedStep(parameters, settings, gradients, apply);
      else this.opsStep(parameters, settings, gradients, apply);
    }
  }

  private opsStep(
    parameters: readonly NamedParameter[],
    { lr, weightDecay }: { lr: number; weightDecay: number },
    gradients: ReadonlyMap<string, tf.Tensor>,
    apply?: tf.Scalar,
  ): void {
    const { momentum, nesterov } = this.config;
    tf.tidy(() => {
      const gated = (next: tf.Tensor, current: tf.Tensor) =>
        apply ? tf.where(apply, next, current) : next;
      for (const { name, variable } of parameters) {
        let direction = gradients.get(name) as tf.Tensor;
        if (weightDecay !== 0) direction = tf.add(direction, tf.mul(variable, weightDecay));
        const buffer = this.buffers.get(name);
        if (buffer) {
          const nextBuffer = tf.add(tf.mul(buffer, momentum), direction);
          buffer.assign(gated(nextBuffer, buffer));
          direction = nesterov ? tf.add(direction, tf.mul(nextBuffer, momentum)) : nextBuffer;
        }
        variable.assign(gated(tf.sub(variable, tf.mul(direction, lr)), variable));
      }
    });
  }

  /** Whether the active backend has the fused kernel and every tensor is float32. */
  private canFuse(
    parameters: readonly NamedParameter[],
    gradients: ReadonlyMap<string, tf.Tensor>,
  ): boolean {
    if (!hasFusedKernel(fusedSgdKernel)) return false;
    return parameters.every(
      ({ name, variable }) =>
        variable.dtype === 'float32' && gradients.get(name)?.dtype === 'float32',
    );
  }

  /** The same update as the op-by-op path, as one kernel call for a group's parameters. */
  private fusedStep(
    parameters: readonly NamedParameter[],
    { lr, weightDecay }: { lr: number; weightDecay: number },
    gradients: ReadonlyMap<string, tf.Tensor>,
    apply?: tf.Scalar,
  ): void {
    const { momentum, nesterov } = this.config;
    const hasBuffers = this.buffers.size > 0;
    const inputs: tf.NamedTensorMap = {};
    parameters.forEach(({ name, variable }, i) => {
      inputs[`param${i}`] = variable;
      inputs[`grad${i}`] = gradients.get(name) as tf.Tensor;
      if (hasBuffers) inputs[`buffer${i}`] = this.buffers.get(name) as tf.Variable;
    });
    if (apply) inputs.apply = apply;
    const count = parameters.length;
    tf.tidy(() => {
      const outputs = runFusedKernel(fusedSgdKernel, inputs, {
        count,
        lr,
        momentum,
        weightDecay,
        nesterov,
        hasBuffers,
      });
      parameters.forEach(({ name, variable }, i) => {
        variable.assign(outputs[i] as tf.Tensor);
        if (hasBuffers)
          (this.buffers.get(name) as tf.Variable).assign(outputs[count + i] as tf.Tensor);
      });
    });
  }

  /** Copies of the momentum buffers by parameter name (empty without momentum). */
  exportMomentumBuffers(): Map<string, MomentumBufferValues> {
    const out = new Map<string, MomentumBufferValues>();
    for (const [name, buffer] of this.buffers) {
      out.set(name, {
        shape: [...buffer.shape],
        values: (buffer.dataSync() as Float32Array).slice(),
      });
    }
    return out;
  }

  /** Replaces every momentum buffer; the names and shapes must match this optimizer's. */
  importMomentumBuffers(buffers: ReadonlyMap<string, MomentumBufferValues>): void {
    const expected = [...this.buffers.keys()];
    const missing = expected.filter((name) => !buffers.has(name));
    const extra = [...buffers.keys()].filter((name) => !this.buffers.has(name));
    if (missing.length > 0 || extra.length > 0) {
      throw new Error(
        `Momentum buffers do not match the model's parameters: missing [${missing.join(', ')}], unexpected [${extra.join(', ')}]. Was the checkpoint written for another model or momentum setting?`,
      );
    }
    for (const [name, buffer] of this.buffers) {
      const { shape, values } = buffers.get(name) as MomentumBufferValues;
      if (shape.join(',') !== buffer.shape.join(',')) {
        throw new Error(
          `Momentum buffer "${name}" has shape [${shape}] but the parameter has shape [${buffer.shape}].`,
        );
      }
      tf.tidy(() => buffer.assign(tf.tensor(values, buffer.shape, 'float32')));
    }
  }

  /** Releases the momentum buffers. */
  dispose(): void {
    for (const buffer of this.buffers.values()) buffer.dispose();
    this.buffers.clear();
  }
}
