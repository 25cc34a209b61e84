import { defaultCacheDir, findCachedCifar10 } from '@cnnkit/datasets/node';
import * as tf from '@tensorflow/tfjs-core';
import packageJson from '../../package.json' with { type: 'json' };
import { availableBackends } from '../backend.js';
import type { InfoOptions } from '../cli-program.js';

/** `cnnkit info`: what runs here — backends, data cache, versions. */
export async function infoCommand(options: InfoOptions): Promise<void> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const cached = await findCachedCifar10(cacheDir);
  const backends = await availableBackends();
  const info = {
    cnnkit: packageJson.version,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    tfjsCore: tf.version_core,
    backends,
    cacheDir,
    cifar10: cached,
  };
  if (options.json) {
    process.stdout.write(`${JSON.stringify(info)}\n`);
    return;
  }
  const lines = [
    `cnnkit ${info.cnnkit}, Node ${info.node} (${info.platform}), tfjs-core ${info.tfjsCore}`,
    'backends:',
    ...backends.map(
      (b) =>
        `  ${b.name.padEnd(10)} ${b.ok ? 'ok' : 'unavailable'}${b.detail ? `  ${b.detail}` : ''}`,
    ),
    `data cache: ${cacheDir}`,
    `  CIFAR-10: ${cached ?? 'not downloaded (cnnkit download)'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
