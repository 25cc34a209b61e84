import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const dist = join(packageDir, 'dist');

function runModule(script: string) {
  return spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    cwd: packageDir,
    encoding: 'utf8',
  });
}

function importsOf(file: string): string[] {
  return [...readFileSync(join(dist, file), 'utf8').matchAll(/from\s+'([^']+)'/g)].map(
    (m) => m[1] as string,
  );
}

describe('the built package', () => {
  it('imports in a fresh Node process with empty stderr', () => {
    const run = runModule(`
      const core = await import('@cnnkit/datasets');
      const node = await import('@cnnkit/datasets/node');
      console.log(typeof core.DataLoader, typeof core.cifar10FromArchiveBytes, typeof node.downloadCifar10);
    `);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe('function function function');
  });

  it.each([
    [
      '@cnnkit/datasets',
      [
        'CIFAR10_CLASS_NAMES',
        'CIFAR10_MEAN',
        'CIFAR10_STD',
        'DataLoader',
        'alternatingFlip',
        'browserImageDecoder',
        'cifar10FromArchiveBytes',
        'cifar10FromArchiveStream',
        'colorJitter',
        'compose',
        'encodeCifar10Batch',
        'imageFolderFromArchiveStream',
        'imageFolderFromFiles',
        'loadImageFolder',
        'memoryImageCache',
        'normalize',
        'randomCrop',
        'randomHorizontalFlip',
        'randomResizedCrop',
        'randomTranslate',
        'resizeArea',
        'rgbaToRgb',
        'sourceRect',
        'toTensor',
        'tutorialTransform',
      ],
    ],
    [
      '@cnnkit/datasets/node',
      [
        'CIFAR10_ARCHIVE_BYTES',
        'CIFAR10_ARCHIVE_MD5',
        'CIFAR10_URL',
        'checkCachedCifar10',
        'defaultCacheDir',
        'detectDataFormat',
        'diskImageCache',
        'downloadCifar10',
        'findCachedCifar10',
        'openCifar10',
        'readCifar10Archive',
        'readCifar10Directory',
        'readImageFolder',
        'sharpImageDecoder',
      ],
    ],
  ])('%s exports only its public API', (entry, names) => {
    const run = runModule(`console.log(Object.keys(await import('${entry}')).sort().join(','));`);
    expect(run.stderr).toBe('');
    expect(run.stdout.trim().split(',')).toEqual([...names].sort());
  });

  it('keeps Node built-ins out of the browser entry', () => {
    // index.js and the chunks it shares with node.js must not import fs, http, zlib, …
    const browserFiles = readdirSync(dist).filter((f) => f.endsWith('.js') && f !== 'node.js');
    for (const file of browserFiles) {
      for (const name of importsOf(file)) {
        expect(name).toMatch(/^(\.\/|@cnnkit\/random$|fflate$|image-size$)/);
      }
    }
  });

  // sharp and bmp-ts (Node decoding) are optional peers, loaded by dynamic import only when
  // an image folder is read in Node.
  it('needs no npm package at run time but its own, @cnnkit/random, fflate and image-size (no tar, no sharp)', () => {
    const packageJson = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
    expect(Object.keys(packageJson.dependencies).sort()).toEqual([
      '@cnnkit/contracts',
      '@cnnkit/random',
      'fflate',
      'image-size',
    ]);
    expect(packageJson.peerDependenciesMeta).toEqual({
      'bmp-ts': { optional: true },
      sharp: { optional: true },
    });
    const files = readdirSync(dist).filter((f) => f.endsWith('.js'));
    for (const file of files) {
      for (const name of importsOf(file)) {
        if (builtinModules.includes(name.replace(/^node:/, ''))) continue;
        expect(name).toMatch(/^(\.\/|@cnnkit\/(random|contracts)$|fflate$|image-size$)/);
      }
    }
  });
});
