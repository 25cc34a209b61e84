import { readWeightsInfo, type WeightsInfo, weightsInfoMetadata } from '@cnnkit/models';
import { RECIPES, recipeWeightsInfo } from '@cnnkit/recipes';
import { decodeSafetensors, withSafetensorsMetadata } from '@cnnkit/safetensors';

/**
 * What the page's default model is, as `cnnkit train` records it in a weights file: the
 * tutorial's SimpleCNN with Normalize((0.5, 0.5, 0.5), (0.5, 0.5, 0.5)), 32×32 images, other
 * sizes squashed to that.
 */
export function pageWeightsInfo(classNames: readonly string[]): WeightsInfo {
  return recipeWeightsInfo(RECIPES.tutorial, { classNames });
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
  const page = pageWeightsInfo(classNames);
  // Another model's options are its own: SimpleCNN's defaults do not fit it.
  const options = said.model === undefined || said.model === page.model ? page.modelOptions : {};
  return { ...page, modelOptions: options, ...said };
}

/**
 * `bytes` (a model's `saveWeights()`) with `info` in its `__metadata__`, as `withWeightsInfo`
 * writes it: a file loaded and downloaded again keeps its bytes.
 */
export function withInfo(bytes: Uint8Array, info: WeightsInfo): Uint8Array {
  const own = decodeSafetensors(bytes).metadata;
  return withSafetensorsMetadata(bytes, { ...own, ...weightsInfoMetadata(info) });
}
