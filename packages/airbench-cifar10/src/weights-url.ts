/**
 * Location of `airbench-cifar10.safetensors`. Written as `new URL('…', import.meta.url)` so that
 * it resolves from `dist/` in Node and so that bundlers (Vite, webpack 5, esbuild with the asset
 * loader) copy the file and rewrite the URL.
 *
 * @example
 * ```ts
 * import { AirbenchNet } from '@cnnkit/models';
 * const net = AirbenchNet.create({ seed: 0, widths: AIRBENCH_CIFAR10.widths });
 * net.loadWeights(new Uint8Array(await (await fetch(airbenchCifar10WeightsUrl)).arrayBuffer()));
 * net.logits(tf.zeros([1, 32, 32, 3])).shape; // [1, 10]
 * ```
 */
export const airbenchCifar10WeightsUrl: URL = new URL(
  '../data/airbench-cifar10.safetensors',
  import.meta.url,
);
