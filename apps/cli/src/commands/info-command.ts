import { defaultCacheDir, findCachedCifar10 } from '@cnnkit/datasets/node';
import * as tf from '@tensorflow/tfjs-core';
import packageJson from '../../package.json' with { type: 'json' };
import { availableBackends, NOT_INSTALLED } from '../backend.js';
import type { InfoOptions } from '../cli-program.js';

/** How to get the native backend, which is an optional peer dependency the user installs. */
function tensorflowAdvice(reason: string | undefined): string[] {
  const indent = ' '.repeat(13);
  if (reason !== NOT_INSTALLED) {
    return [`${indent}repair it with \`npm rebuild @tensorflow/tfjs-node\` (needs internet)`];
  }
  return [
    `${indent}to use libtensorflow, install @tensorflow/tfjs-node 4.22.0 (needs internet):`,
    `${indent}  npm install @tensorflow/tfjs-node@4.22.0        next to an installed cnnkit`,
    `${indent}  pnpm add -w @tensorflow/tfjs-node@4.22.0        in a clone of cnnkit`,
  ];
}

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
    ...backends.flatMap((b) => [
      `  ${b.name.padEnd(10)} ${b.ok ? 'ok' : 'unavailable'}${b.detail ? `  ${b.detail}` : ''}`,
      ...(b.name === 'tensorflow' && !b.ok ? tensorflowAdvice(b.reason) : []),
    ]),
    `data cache: ${cacheDir}`,
    `  CIFAR-10: ${cached ?? 'not downloaded (cnnkit download)'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}
