import { readWeightsInfo, type WeightsInfo, weightsInfoMetadata } from '@cnnkit/models';
import { decodeSafetensors, withSafetensorsMetadata } from '@cnnkit/safetensors';

/**
 * What the page's SimpleCNN is, as `cnnkit train` records it in a weights file: the tutorial's
 * Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)), 32×32 images, other sizes squashed to that.
 */
export function pageWeightsInfo(classNames: readonly string[]): WeightsInfo {
  return {
    model: 'simple-cnn',
    modelOptions: { numClasses: classNames.length, imageSize: 32 },
    classNames,
    inputShape: [32, 32, 3],
    normalize: { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
    resize: 'squash',
  };
}

/**
 * What a loaded weights file says about itself, completed with the page's defaults for what it
 * does not say (a file PyTorch wrote has no cnnkit metadata). Throws when the metadata is not
 * cnnkit's (the message names the file and the key).
 */
export function loadedWeightsInfo(
  bytes: Uint8Array,
  name: string,
  classNames: readonly string[],
): WeightsInfo {
  const said = readWeightsInfo(decodeSafetensors(bytes, name).metadata, name);
  return { ...pageWeightsInfo(classNames), ...said };
}

/**
 * `bytes` (a model's `saveWeights()`) with `info` in its `__metadata__`, as `withWeightsInfo`
 * writes it: a file loaded and downloaded again keeps its bytes.
 */
export function withInfo(bytes: Uint8Array, info: WeightsInfo): Uint8Array {
  const own = decodeSafetensors(bytes).metadata;
  return withSafetensorsMetadata(bytes, { ...own, ...weightsInfoMetadata(info) });
}
