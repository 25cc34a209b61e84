import type { Rng } from '@cnnkit/random';
import type { AnyImageBatch, BatchTransform, TransformContext } from '../types.js';
import {
  byteLookupTable,
  isPointwise,
  lookUp,
  type PointwiseTransform,
  pointwise,
} from './pointwise.js';

/**
 * A byte-to-float transform (toTensor) followed by float transforms that map each value on its
 * own (normalize): on byte pixels one pass through a table of every (channel, byte) result,
 * instead of a pass and a new array per transform, giving the same float32 values. Float
 * pixels (toTensor passes them through) run the transforms one by one.
 */
function fusePointwise(steps: readonly PointwiseTransform[]): BatchTransform {
  const tables = new Map<number, Float32Array>();
  return (batch: AnyImageBatch, rng: Rng): AnyImageBatch => {
    if (batch.pixels instanceof Float32Array) {
      return steps.reduce<AnyImageBatch>((current, step) => step(current, rng), batch);
    }
    let table = tables.get(batch.channels);
    if (table === undefined) {
      table = byteLookupTable(
        steps.map((step) => step[pointwise]),
        batch.channels,
      );
      tables.set(batch.channels, table);
    }
    return { ...batch, pixels: lookUp(batch.pixels, table, batch.channels) };
  };
}

/** Replaces each run "toTensor, then float-only pointwise transforms" by one fused step. */
function fuse(transforms: readonly BatchTransform[]): BatchTransform[] {
  const out: BatchTransform[] = [];
  for (let i = 0; i < transforms.length; i++) {
    const first = transforms[i] as BatchTransform;
    if (!isPointwise(first) || first[pointwise].input !== 'bytes') {
      out.push(first);
      continue;
    }
    const run: PointwiseTransform[] = [first];
    while (i + 1 < transforms.length) {
      const next = transforms[i + 1] as BatchTransform;
      if (!isPointwise(next) || next[pointwise].input !== 'floats') break;
      run.push(next);
      i++;
    }
    out.push(run.length > 1 ? fusePointwise(run) : first);
  }
  return out;
}

/**
 * torchvision's `Compose`: runs the transforms left to right, all drawing from the same
 * per-batch generator, so the whole pipeline is reproducible from (seed, epoch, batch).
 * `toTensor()` directly followed by `normalize()` runs as one table lookup per pixel value.
 *
 * @example
 * ```ts
 * const transform = compose(randomCrop(32, 4), randomHorizontalFlip(), toTensor(), normalize(0.5, 0.5));
 * ```
 */
export function compose(...transforms: readonly BatchTransform[]): BatchTransform {
  const steps = fuse(transforms);
  return (batch: AnyImageBatch, rng: Rng, context?: TransformContext): AnyImageBatch =>
    steps.reduce((current, transform) => transform(current, rng, context), batch);
}
