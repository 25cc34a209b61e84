import type { ParameterLayout } from './types.js';

function product(shape: readonly number[]): number {
  return shape.reduce((n, d) => n * d, 1);
}

/**
 * A layout from an index map: `torchIndexOf(tfjsIndex)` gives where each tfjs element sits
 * in the PyTorch array. Both directions use the same map, so they are exact inverses.
 */
function permutedLayout(
  name: string,
  tfjsShape: readonly number[],
  torchShape: readonly number[],
  fanIn: number,
  torchIndexOf: (tfjsIndex: number) => number,
): ParameterLayout {
  const size = product(tfjsShape);
  const map = new Uint32Array(size);
  for (let i = 0; i < size; i++) map[i] = torchIndexOf(i);
  return {
    name,
    tfjsShape,
    torchShape,
    fanIn,
    toTorch(tfjsValues) {
      const out = new Float32Array(size);
      for (let i = 0; i < size; i++) out[map[i] as number] = tfjsValues[i] as number;
      return out;
    },
    fromTorch(torchValues) {
      const out = new Float32Array(size);
      for (let i = 0; i < size; i++) out[i] = torchValues[map[i] as number] as number;
      return out;
    },
  };
}

/**
 * A 2-D convolution kernel: tfjs `[kh, kw, in, out]` (HWIO) ↔ PyTorch `[out, in, kh, kw]` (OIHW).
 *
 * @example
 * ```ts
 * const layout = conv2dWeightLayout('conv1.weight', { inChannels: 3, outChannels: 6, kernelSize: 5 });
 * layout.torchShape; // [6, 3, 5, 5]
 * ```
 */
export function conv2dWeightLayout(
  name: string,
  spec: { inChannels: number; outChannels: number; kernelSize: number },
): ParameterLayout {
  const { inChannels: ci, outChannels: co, kernelSize: k } = spec;
  return permutedLayout(name, [k, k, ci, co], [co, ci, k, k], ci * k * k, (i) => {
    const o = i % co;
    const c = Math.floor(i / co) % ci;
    const x = Math.floor(i / (co * ci)) % k;
    const y = Math.floor(i / (co * ci * k));
    return ((o * ci + c) * k + y) * k + x;
  });
}

/**
 * A fully connected weight: tfjs `[in, out]` (so `matMul(x, w)`) ↔ PyTorch `[out, in]`.
 * When the layer reads a flattened feature map, pass its `inputFeatureMap`: tfjs flattens
 * NHWC activations in (H, W, C) order but PyTorch flattens NCHW in (C, H, W) order, so the
 * input features must be permuted too, or PyTorch weights would see scrambled inputs.
 *
 * @example
 * ```ts
 * const layout = linearWeightLayout('fc1.weight', {
 *   inFeatures: 400,
 *   outFeatures: 120,
 *   inputFeatureMap: { height: 5, width: 5, channels: 16 },
 * });
 * layout.tfjsShape; // [400, 120]
 * ```
 */
export function linearWeightLayout(
  name: string,
  spec: {
    inFeatures: number;
    outFeatures: number;
    inputFeatureMap?: { height: number; width: number; channels: number };
  },
): ParameterLayout {
  const { inFeatures, outFeatures, inputFeatureMap } = spec;
  if (inputFeatureMap) {
    const { height, width, channels } = inputFeatureMap;
    if (height * width * channels !== inFeatures) {
      throw new Error(
        `${name}: inputFeatureMap ${height}×${width}×${channels} = ${height * width * channels} features, but inFeatures is ${inFeatures}.`,
      );
    }
  }
  const torchFeatureOf = (hwcIndex: number): number => {
    if (!inputFeatureMap) return hwcIndex;
    const { height, width, channels } = inputFeatureMap;
    const c = hwcIndex % channels;
    const x = Math.floor(hwcIndex / channels) % width;
    const y = Math.floor(hwcIndex / (channels * width));
    return (c * height + y) * width + x;
  };
  return permutedLayout(
    name,
    [inFeatures, outFeatures],
    [outFeatures, inFeatures],
    inFeatures,
    (i) => {
      const o = i % outFeatures;
      const feature = Math.floor(i / outFeatures);
      return o * inFeatures + torchFeatureOf(feature);
    },
  );
}

/**
 * A bias vector: the same `[size]` layout in both frameworks. `fanIn` is that of the layer's
 * weight, because PyTorch bounds a bias's initial values by the weight's fan_in.
 *
 * @example
 * ```ts
 * const layout = biasLayout('conv1.bias', { size: 6, fanIn: 75 });
 * layout.torchShape; // [6]
 * ```
 */
export function biasLayout(name: string, spec: { size: number; fanIn: number }): ParameterLayout {
  return permutedLayout(name, [spec.size], [spec.size], spec.fanIn, (i) => i);
}

/**
 * A per-channel vector that PyTorch does not initialise uniformly — BatchNorm's `weight`,
 * `bias`, `running_mean` and `running_var` — the same `[size]` layout in both frameworks.
 *
 * @example
 * ```ts
 * const layout = channelVectorLayout('bn.running_var', { size: 64 });
 * layout.torchShape; // [64]
 * ```
 */
export function channelVectorLayout(name: string, spec: { size: number }): ParameterLayout {
  return permutedLayout(name, [spec.size], [spec.size], 0, (i) => i);
}

/**
 * BatchNorm's `num_batches_tracked`: a scalar that PyTorch stores as int64 (I64 in
 * safetensors) and tfjs holds as an int32 variable.
 *
 * @example
 * ```ts
 * const layout = batchCountLayout('bn.num_batches_tracked');
 * layout.torchDtype; // 'I64'
 * layout.torchShape; // []
 * ```
 */
export function batchCountLayout(name: string): ParameterLayout {
  return { ...permutedLayout(name, [], [], 0, (i) => i), torchDtype: 'I64' };
}
