// The real-data acceptance check of image folders: the shared CIFAR-10 archive written out as
// 60,000 PNGs in class folders (packages/datasets/scripts/cifar10-to-image-folder.mjs) trains,
// through the built CLI with the same seed, to exactly the weights the binary archive gives —
// the tutorial recipe, 2 epochs over all 50,000 images. Skipped without ../shared/data.
// Run by `pnpm test:slow`; about 10 minutes on 2 cores (writing and decoding the PNGs, two
// full trainings).
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodeSafetensors } from '@cnnkit/safetensors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The shared full data set sits next to the repository: <repo>/../shared/data/.
const archive = resolve(
  import.meta.dirname,
  '..',
  '..',
  '..',
  '..',
  'shared',
  'data',
  'cifar-10-binary.tar.gz',
);
const bin = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
const script = fileURLToPath(
  new URL('../../../packages/datasets/scripts/cifar10-to-image-folder.mjs', import.meta.url),
);

function cnnkit(
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], {
    env: { ...process.env, CI: 'true', ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((done) => child.on('close', (code) => done({ code, stdout, stderr })));
}

describe.skipIf(!existsSync(archive))('CIFAR-10 as PNG class folders (real data)', () => {
  let work = '';
  let env: Record<string, string> = {};
  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'cnnkit-cifar-folders-'));
    env = { CNNKIT_CACHE_DIR: join(work, 'cache') };
    execFileSync(process.execPath, [script, archive, join(work, 'cifar10')], { stdio: 'ignore' });
  }, 1_800_000);
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  it('trains to exactly the weights of the binary archive (tutorial recipe, seed 0)', async () => {
    const binary = await cnnkit(
      ['train', '--data', archive, '--out', join(work, 'binary'), '--json'],
      env,
    );
    expect(binary.code, binary.stderr).toBe(0);
    const folder = await cnnkit(
      ['train', '--data', join(work, 'cifar10'), '--out', join(work, 'folder'), '--json'],
      env,
    );
    expect(folder.code, folder.stderr).toBe(0);
    const tensors = async (run: string) =>
      decodeSafetensors(new Uint8Array(await readFile(join(work, run, 'simple-cnn.safetensors'))))
        .tensors;
    const a = await tensors('binary');
    const b = await tensors('folder');
    for (const [name, tensor] of a) {
      expect(Buffer.from(b.get(name)?.bytes ?? []).equals(Buffer.from(tensor.bytes)), name).toBe(
        true,
      );
    }
    const [x, y] = [JSON.parse(binary.stdout), JSON.parse(folder.stdout)];
    expect([y.trainImages, y.testImages]).toEqual([50_000, 10_000]);
    expect(y.accuracy).toBe(x.accuracy);
    expect(y.loss).toBe(x.loss);
  }, 3_600_000);
});
