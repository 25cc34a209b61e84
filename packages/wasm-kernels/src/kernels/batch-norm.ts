import { batchNormTrainGradKernel, batchNormTrainKernel } from '@cnnkit/contracts';
import * as tf from '@tensorflow/tfjs-core';
import { type SimdKernels, simdKernelsFor } from '../simd/simd-kernels.js';
import { heapFloat32, heapOffset, type WasmBackend } from '../wasm-backend-internals.js';
import { defineWasmFusedKernel } from './define-wasm-kernel.js';
import { requireFloat32 } from './require-float32.js';

/**
 * Parts the rows of a BatchNorm map are cut into, each with its own per-channel sums: more than
 * the threads (even shares on up to 32), at least 256 rows each. Fixed by the map's size alone,
 * so the sums' order, and so the bits, do not depend on the threads.
 */
function rowParts(rows: number): { parts: number; rowsPerPart: number } {
  const rowsPerPart = Math.max(1, Math.ceil(rows / Math.min(32, Math.ceil(rows / 256))));
  return { parts: Math.ceil(rows / rowsPerPart), rowsPerPart };
}

/** The channel count of `x` (its last axis), checked against a `[channels]` input. */
function channelsOf(
  x: tf.TensorInfo,
  vectors: { readonly [name: string]: tf.TensorInfo },
  kernelName: string,
): number {
  const channels = x.shape.at(-1) ?? 1;
  for (const [name, vector] of Object.entries(vectors)) {
    if (vector.shape.length !== 1 || vector.shape[0] !== channels) {
      throw new Error(
        `${kernelName}: ${name} must have shape [${channels}] (the input's last axis), got [${vector.shape}].`,
      );
    }
  }
  return channels;
}

/**
 * Per-channel totals of float32 part sums laid out `stride` floats a part, `offset` floats into
 * each, added in part order in float64 and rounded once.
 */
function addParts(
  sums: Float32Array,
  parts: number,
  stride: number,
  offset: number,
  channels: number,
): Float64Array {
  const totals = new Float64Array(channels);
  for (let p = 0; p < parts; p++) {
    for (let j = 0; j < channels; j++) {
      totals[j] = (totals[j] as number) + (sums[p * stride + offset + j] as number);
    }
  }
  return totals;
}

/** BatchNorm's training-mode forward: batch statistics, x̂ and y, split over the threads. */
export function batchNormTrain(args: {
  readonly inputs: {
    readonly x?: tf.TensorInfo;
    readonly scale?: tf.TensorInfo;
    readonly offset?: tf.TensorInfo;
  };
  readonly attrs: { readonly eps: number };
  readonly backend: WasmBackend;
}): tf.TensorInfo[] {
  const { backend } = args;
  const name = batchNormTrainKernel.kernelName;
  const x = requireFloat32(args.inputs.x, 'x', name);
  const scale = requireFloat32(args.inputs.scale, 'scale', name);
  const offset = requireFloat32(args.inputs.offset, 'offset', name);
  const channels = channelsOf(x, { scale, offset }, name);
  const rows = tf.util.sizeFromShape(x.shape) / channels;
  const { eps } = args.attrs;
  const y = backend.makeOutput([...x.shape], 'float32');
  const xHat = backend.makeOutput([...x.shape], 'float32');
  const mean = backend.makeOutput([channels], 'float32');
  const variance = backend.makeOutput([channels], 'float32');
  const invStd = backend.makeOutput([channels], 'float32');
  const outputs = [y, xHat, mean, variance, invStd];
  const simd = simdKernelsFor(backend);
  if (simd == null || rows === 0) {
    normaliseInJavaScript(backend, outputs, x, scale, offset, rows, channels, eps);
    return outputs;
  }
  const { parts, rowsPerPart } = rowParts(rows);
  const sums = backend.makeOutput([parts * 2 * channels], 'float32');
  const split = { parts, work: rows * channels };
  const shape = { sums: heapOffset(backend, sums), rows, channels, rowsPerPart };
  simd.channelSums({ x: heapOffset(backend, x), ...shape }, split);
  const totals = addParts(heapFloat32(backend, sums), parts, 2 * channels, 0, channels);
  heapFloat32(backend, mean).set(totals.map((t) => t / rows));
  simd.centredSquareSums(
    { x: heapOffset(backend, x), mean: heapOffset(backend, mean), ...shape },
    split,
  );
  const squares = addParts(heapFloat32(backend, sums), parts, 2 * channels, 0, channels);
  setStatistics(backend, variance, invStd, squares, rows, eps);
  backend.disposeData(sums.dataId);
  simd.batchNormApply(
    {
      x: heapOffset(backend, x),
      mean: heapOffset(backend, mean),
      invStd: heapOffset(backend, invStd),
      scale: heapOffset(backend, scale),
      offset: heapOffset(backend, offset),
      y: heapOffset(backend, y),
      xHat: heapOffset(backend, xHat),
      rows,
      channels,
      rowsPerPart,
    },
    split,
  );
  return outputs;
}

/** variance = squares / rows (biased, as BatchNorm normalises) and invStd = 1/√(variance + eps). */
function setStatistics(
  backend: WasmBackend,
  variance: tf.TensorInfo,
  invStd: tf.TensorInfo,
  squares: Float64Array,
  rows: number,
  eps: number,
): void {
  const v = heapFloat32(backend, variance);
  v.set(squares.map((s) => s / rows));
  heapFloat32(backend, invStd).set(v.map((value) => 1 / Math.sqrt(Math.fround(value + eps))));
}

/** The forward without the SIMD module (or for an empty map), in plain JavaScript. */
function normaliseInJavaScript(
  backend: WasmBackend,
  [y, xHat, mean, variance, invStd]: tf.TensorInfo[],
  x: tf.TensorInfo,
  scale: tf.TensorInfo,
  offset: tf.TensorInfo,
  rows: number,
  channels: number,
  eps: number,
): void {
  const xs = heapFloat32(backend, x);
  const sums = new Float64Array(channels);
  for (let i = 0; i < xs.length; i++) {
    const j = i % channels;
    sums[j] = (sums[j] as number) + (xs[i] as number);
  }
  const means = heapFloat32(backend, mean as tf.TensorInfo);
  means.set(sums.map((s) => s / rows));
  const squares = new Float64Array(channels);
  for (let i = 0; i < xs.length; i++) {
    const j = i % channels;
    const d = Math.fround((xs[i] as number) - (means[j] as number));
    squares[j] = (squares[j] as number) + d * d;
  }
  setStatistics(backend, variance as tf.TensorInfo, invStd as tf.TensorInfo, squares, rows, eps);
  const inverse = heapFloat32(backend, invStd as tf.TensorInfo);
  const gamma = heapFloat32(backend, scale);
  const beta = heapFloat32(backend, offset);
  const hs = heapFloat32(backend, xHat as tf.TensorInfo);
  const ys = heapFloat32(backend, y as tf.TensorInfo);
  for (let i = 0; i < xs.length; i++) {
    const j = i % channels;
    const h = Math.fround(
      Math.fround((xs[i] as number) - (means[j] as number)) * (inverse[j] as number),
    );
    hs[i] = h;
    ys[i] = Math.fround(h * (gamma[j] as number)) + (beta[j] as number);
  }
}

/** The gradient of BatchNorm's training-mode forward, split over the threads. */
export function batchNormTrainGrad(args: {
  readonly inputs: {
    readonly dy?: tf.TensorInfo;
    readonly normalised?: tf.TensorInfo;
    readonly scale?: tf.TensorInfo;
    readonly invStd?: tf.TensorInfo;
  };
  readonly backend: WasmBackend;
}): tf.TensorInfo[] {
  const { backend } = args;
  const name = batchNormTrainGradKernel.kernelName;
  const dy = requireFloat32(args.inputs.dy, 'dy', name);
  const xHat = requireFloat32(args.inputs.normalised, 'normalised', name);
  const scale = requireFloat32(args.inputs.scale, 'scale', name);
  const invStd = requireFloat32(args.inputs.invStd, 'invStd', name);
  if (dy.shape.join() !== xHat.shape.join()) {
    throw new Error(
      `${name}: dy [${dy.shape}] and normalised [${xHat.shape}] must have the same shape.`,
    );
  }
  const channels = channelsOf(dy, { scale, invStd }, name);
  const rows = tf.util.sizeFromShape(dy.shape) / channels;
  const dx = backend.makeOutput([...dy.shape], 'float32');
  const dScale = backend.makeOutput([channels], 'float32');
  const dOffset = backend.makeOutput([channels], 'float32');
  // Per channel: γ·invStd, mean(dy) and mean(dy·x̂), as PyTorch's batch_norm_backward.
  const coefficient = backend.makeOutput([channels], 'float32');
  const dyMean = backend.makeOutput([channels], 'float32');
  const productMean = backend.makeOutput([channels], 'float32');
  const simd = simdKernelsFor(backend);
  const { parts, rowsPerPart } = rowParts(rows);
  const sums =
    simd == null || rows === 0 ? undefined : backend.makeOutput([parts * 4 * channels], 'float32');
  if (simd != null && sums != null) {
    simd.gradientSums(
      {
        dy: heapOffset(backend, dy),
        xHat: heapOffset(backend, xHat),
        sums: heapOffset(backend, sums),
        rows,
        channels,
        rowsPerPart,
      },
      { parts, work: 2 * rows * channels },
    );
    const partSums = heapFloat32(backend, sums);
    heapFloat32(backend, dOffset).set(addParts(partSums, parts, 4 * channels, 0, channels));
    heapFloat32(backend, dScale).set(addParts(partSums, parts, 4 * channels, channels, channels));
    backend.disposeData(sums.dataId);
  } else {
    gradientSumsInJavaScript(backend, dy, xHat, dOffset, dScale, channels);
  }
  setGradientCoefficients(
    backend,
    { coefficient, dyMean, productMean },
    {
      scale,
      invStd,
      dOffset,
      dScale,
      rows,
    },
  );
  if (simd != null && rows > 0) {
    applyGradient(simd, backend, { dy, xHat, coefficient, dyMean, productMean, dx }, rows);
  } else {
    applyGradientInJavaScript(backend, { dy, xHat, coefficient, dyMean, productMean, dx });
  }
  for (const t of [coefficient, dyMean, productMean]) backend.disposeData(t.dataId);
  return [dx, dScale, dOffset];
}

interface GradientTensors {
  readonly dy: tf.TensorInfo;
  readonly xHat: tf.TensorInfo;
  readonly coefficient: tf.TensorInfo;
  readonly dyMean: tf.TensorInfo;
  readonly productMean: tf.TensorInfo;
  readonly dx: tf.TensorInfo;
}

/** coefficient = γ·invStd, dyMean = Σdy / rows, productMean = Σ(dy·x̂) / rows, in float32. */
function setGradientCoefficients(
  backend: WasmBackend,
  out: { coefficient: tf.TensorInfo; dyMean: tf.TensorInfo; productMean: tf.TensorInfo },
  from: {
    scale: tf.TensorInfo;
    invStd: tf.TensorInfo;
    dOffset: tf.TensorInfo;
    dScale: tf.TensorInfo;
    rows: number;
  },
): void {
  const gamma = heapFloat32(backend, from.scale);
  const inverse = heapFloat32(backend, from.invStd);
  heapFloat32(backend, out.coefficient).set(gamma.map((g, j) => g * (inverse[j] as number)));
  heapFloat32(backend, out.dyMean).set(
    heapFloat32(backend, from.dOffset).map((s) => s / from.rows),
  );
  heapFloat32(backend, out.productMean).set(
    heapFloat32(backend, from.dScale).map((s) => s / from.rows),
  );
}

function applyGradient(
  simd: SimdKernels,
  backend: WasmBackend,
  t: GradientTensors,
  rows: number,
): void {
  const channels = t.dy.shape.at(-1) ?? 1;
  const { parts, rowsPerPart } = rowParts(rows);
  simd.batchNormGradApply(
    {
      dy: heapOffset(backend, t.dy),
      xHat: heapOffset(backend, t.xHat),
      coefficient: heapOffset(backend, t.coefficient),
      dyMean: heapOffset(backend, t.dyMean),
      productMean: heapOffset(backend, t.productMean),
      dx: heapOffset(backend, t.dx),
      rows,
      channels,
      rowsPerPart,
    },
    { parts, work: rows * channels },
  );
}

/** Σdy and Σ(dy·x̂) per channel without the SIMD module, in float64, rounded once. */
function gradientSumsInJavaScript(
  backend: WasmBackend,
  dy: tf.TensorInfo,
  xHat: tf.TensorInfo,
  dOffset: tf.TensorInfo,
  dScale: tf.TensorInfo,
  channels: number,
): void {
  const gs = heapFloat32(backend, dy);
  const hs = heapFloat32(backend, xHat);
  const sums = new Float64Array(channels);
  const products = new Float64Array(channels);
  for (let i = 0; i < gs.length; i++) {
    const j = i % channels;
    sums[j] = (sums[j] as number) + (gs[i] as number);
    products[j] = (products[j] as number) + Math.fround((gs[i] as number) * (hs[i] as number));
  }
  heapFloat32(backend, dOffset).set(sums);
  heapFloat32(backend, dScale).set(products);
}

function applyGradientInJavaScript(backend: WasmBackend, t: GradientTensors): void {
  const gs = heapFloat32(backend, t.dy);
  const hs = heapFloat32(backend, t.xHat);
  const k = heapFloat32(backend, t.coefficient);
  const a = heapFloat32(backend, t.dyMean);
  const b = heapFloat32(backend, t.productMean);
  const dxs = heapFloat32(backend, t.dx);
  const channels = k.length;
  for (let i = 0; i < gs.length; i++) {
    const j = i % channels;
    const centred = Math.fround((gs[i] as number) - (a[j] as number));
    const d = Math.fround(centred - Math.fround((hs[i] as number) * (b[j] as number)));
    dxs[i] = (k[j] as number) * d;
  }
}

/** The fused BatchNorm training forward of `@cnnkit/contracts` (used by `@cnnkit/models`). */
export const batchNormTrainConfig = defineWasmFusedKernel(batchNormTrainKernel, batchNormTrain);

/** Its gradient. */
export const batchNormTrainGradConfig = defineWasmFusedKernel(
  batchNormTrainGradKernel,
  batchNormTrainGrad,
);
