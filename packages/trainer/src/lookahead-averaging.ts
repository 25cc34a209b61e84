import type { LookaheadSettings, NamedParameter, TrainableClassifier } from '@cnnkit/contracts';
import { decodeSafetensors, encodeSafetensors, tensorToFloat32 } from '@cnnkit/safetensors';
import * as tf from '@tensorflow/tfjs-core';

const FORMAT = 'cnnkit-lookahead/1';

/** Throws, quoting the value, unless `settings` are usable lookahead settings. */
export function checkLookaheadSettings(settings: LookaheadSettings, where: string): void {
  const { every, decay, power } = settings ?? {};
  if (!Number.isInteger(every) || every < 1) {
    throw new RangeError(
      `${where}: lookahead every must be an integer >= 1, got ${String(every)}.`,
    );
  }
  for (const [name, value] of [
    ['decay', decay],
    ['power', power],
  ] as const) {
    if (!(Number.isFinite(value) && value >= 0) || (name === 'decay' && value > 1)) {
      throw new RangeError(
        `${where}: lookahead ${name} must be a number ${name === 'decay' ? 'from 0 to 1' : '>= 0'}, got ${String(value)}; airbench uses every 5, decay 0.95^5 ≈ 0.774, power 3.`,
      );
    }
  }
}

/**
 * airbench's lookahead (its `LookaheadState`): an exponential moving average of a model's
 * weights and float buffers (BatchNorm running statistics, frozen weights), which the weights
 * are reset to at each update. `update(d)` is `ema.lerp_(w, 1 − d); w.copy_(ema)` for every
 * float tensor, with PyTorch's lerp arithmetic; {@link LookaheadAveraging.decayAt} gives
 * airbench's `d` for a step. The average starts as a copy of the tensors at construction.
 *
 * @example
 * ```ts
 * const w = tf.tidy(() => tf.variable(tf.tensor1d([0])));
 * const lookahead = new LookaheadAveraging([{ name: 'w', variable: w }], { every: 5, decay: 0.5, power: 1 });
 * w.assign(tf.tensor1d([1]));
 * lookahead.update(lookahead.decayAt(10, 10)); // d = 0.5 · (10/10)¹: halfway
 * w.dataSync()[0]; // 0.5
 * lookahead.dispose();
 * w.dispose();
 * ```
 */
export class LookaheadAveraging {
  readonly settings: LookaheadSettings;
  private readonly tensors: readonly NamedParameter[];
  private readonly averages: readonly tf.Variable[];

  constructor(tensors: readonly NamedParameter[], settings: LookaheadSettings) {
    checkLookaheadSettings(settings, 'LookaheadAveraging');
    this.settings = { ...settings };
    this.tensors = tensors.filter(({ variable }) => variable.dtype === 'float32');
    this.averages = this.tensors.map(({ variable }) =>
      tf.tidy(() => tf.variable(tf.clone(variable), false)),
    );
  }

  /**
   * Averages every float tensor of `model`: its parameters, then its buffers (batch counts,
   * being integers, are left out, as airbench leaves them).
   *
   * @example
   * ```ts
   * const averaging = LookaheadAveraging.forModel(model, { every: 5, decay: 0.95 ** 5, power: 3 });
   * averaging.dispose();
   * ```
   */
  static forModel(model: TrainableClassifier, settings: LookaheadSettings): LookaheadAveraging {
    return new LookaheadAveraging([...model.parameters, ...(model.buffers ?? [])], settings);
  }

  /** Whether `step` (steps done, 1-based) is an update step. */
  updatesAt(step: number): boolean {
    return step % this.settings.every === 0;
  }

  /**
   * airbench's decay for `step` of `totalSteps`: `decay·(step/totalSteps)^power`, in float32
   * as its `alpha_schedule` tensor computes it (an integer power as repeated products).
   *
   * @example
   * ```ts
   * const w = tf.tidy(() => tf.variable(tf.zeros([1])));
   * const averaging = new LookaheadAveraging([{ name: 'w', variable: w }], { every: 5, decay: 0.95 ** 5, power: 3 });
   * averaging.decayAt(264, 528); // ≈ 0.0967
   * averaging.dispose();
   * w.dispose();
   * ```
   */
  decayAt(step: number, totalSteps: number): number {
    const f = Math.fround;
    const { decay, power } = this.settings;
    const fraction = f(step / totalSteps);
    let scaled: number;
    if (Number.isInteger(power) && power >= 1 && power <= 3) {
      scaled = fraction;
      for (let i = 1; i < power; i++) scaled = f(scaled * fraction);
    } else {
      scaled = f(fraction ** power);
    }
    return f(f(decay) * scaled);
  }

  /**
   * Moves the average toward the tensors by `1 − decay` and sets the tensors to it; where
   * `apply` (a bool scalar) is false nothing changes (the trainer's non-finite-loss gate).
   */
  update(decay: number, apply?: tf.Scalar): void {
    const weight = Math.fround(1 - decay);
    tf.tidy(() => {
      this.tensors.forEach(({ variable }, i) => {
        const average = this.averages[i] as tf.Variable;
        const difference = tf.sub(variable, average);
        // PyTorch's lerp: the form that keeps precision on the side of the larger weight.
        const moved =
          weight < 0.5
            ? tf.add(average, tf.mul(difference, weight))
            : tf.sub(variable, tf.mul(difference, Math.fround(1 - weight)));
        average.assign(apply ? tf.where(apply, moved, average) : moved);
        variable.assign(apply ? tf.where(apply, moved, variable) : moved);
      });
    });
  }

  /** Sets the tensors to the average (airbench's last `update(decay=1)`). */
  finish(apply?: tf.Scalar): void {
    this.update(1, apply);
  }

  /** The averages as safetensors bytes (F32, keyed by state_dict name), for checkpoints. */
  saveAverages(): Uint8Array {
    const tensors: Record<string, { dtype: 'F32'; shape: number[]; data: Float32Array }> = {};
    this.tensors.forEach(({ name }, i) => {
      const average = this.averages[i] as tf.Variable;
      tensors[name] = {
        dtype: 'F32',
        shape: [...average.shape],
        data: average.dataSync() as Float32Array,
      };
    });
    return encodeSafetensors(tensors, { format: FORMAT });
  }

  /** Replaces the averages with {@link LookaheadAveraging.saveAverages}' bytes; names and shapes must match. */
  loadAverages(bytes: Uint8Array, source = 'lookahead averages'): void {
    const decoded = decodeSafetensors(bytes, source);
    if (decoded.metadata?.format !== FORMAT) {
      throw new Error(
        `${source} is not a cnnkit lookahead state: metadata format is ${JSON.stringify(decoded.metadata?.format)}, expected "${FORMAT}".`,
      );
    }
    const expected = this.tensors.map(({ name }) => name);
    const missing = expected.filter((name) => !decoded.tensors.has(name));
    const extra = [...decoded.tensors.keys()].filter((name) => !expected.includes(name));
    if (missing.length > 0 || extra.length > 0) {
      throw new Error(
        `${source} does not match the model: missing [${missing.join(', ')}], unexpected [${extra.join(', ')}]. Was it written for another model?`,
      );
    }
    this.tensors.forEach(({ name }, i) => {
      const stored = decoded.tensors.get(name) as Parameters<typeof tensorToFloat32>[0];
      const average = this.averages[i] as tf.Variable;
      if (stored.shape.join(',') !== average.shape.join(',')) {
        throw new Error(
          `${source}: "${name}" has shape [${stored.shape}] but the model's tensor has shape [${average.shape}].`,
        );
      }
    });
    this.tensors.forEach(({ name }, i) => {
      const stored = decoded.tensors.get(name) as Parameters<typeof tensorToFloat32>[0];
      const average = this.averages[i] as tf.Variable;
      tf.tidy(() => average.assign(tf.tensor(tensorToFloat32(stored), average.shape, 'float32')));
    });
  }

  /** Releases the averages. */
  dispose(): void {
    for (const average of this.averages) average.dispose();
  }
}
