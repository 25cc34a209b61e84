import { fileURLToPath } from 'node:url';
import { airbenchCifar10WeightsUrl } from './weights-url.js';

/**
 * File-system path of `airbench-cifar10.safetensors` in the installed package: what
 * `cnnkit predict --weights`, `cnnkit eval --weights`, `cnnkit export --weights` and
 * `cnnkit train --init-weights` take.
 *
 * @example
 * ```ts
 * import { readFile } from 'node:fs/promises';
 * import { AirbenchNet } from '@cnnkit/models';
 * const net = AirbenchNet.create({ seed: 0, widths: [64, 128, 128] });
 * net.loadWeights(await readFile(airbenchCifar10WeightsPath()));
 * ```
 */
export function airbenchCifar10WeightsPath(): string {
  return fileURLToPath(airbenchCifar10WeightsUrl);
}
