// Weights with NaN or infinite values: eval and predict used to print "10.0 %, loss NaN" and
// "NaN %" with exit 0. They must refuse, naming the tensor, unless --allow-non-finite is given.
import '@tensorflow/tfjs-backend-cpu';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SimpleCNN } from '@cnnkit/models';
import { decodeSafetensors } from '@cnnkit/safetensors';
import * as tf from '@tensorflow/tfjs-core';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cnnkit, errorLine } from './cnnkit-process.js';

let work: string;
let image: string;

/** SimpleCNN weights (seed 0) with `value` written at `index` of tensor `name`. */
async function weightsWith(name: string, index: number, value: number): Promise<string> {
  const model = SimpleCNN.create({ seed: 0 });
  const bytes = model.saveWeights();
  model.dispose();
  const tensor = decodeSafetensors(bytes).tensors.get(name);
  if (!tensor) throw new Error(`no tensor ${name}`);
  new DataView(bytes.buffer, tensor.bytes.byteOffset + 4 * index, 4).setFloat32(0, value, true);
  const file = join(work, `${name}-${value}.safetensors`);
  await writeFile(file, bytes);
  return file;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  work = await mkdtemp(join(tmpdir(), 'cnnkit-hostile-weights-'));
  const png = new PNG({ width: 8, height: 8 });
  png.data.fill(128);
  image = join(work, 'grey.png');
  await writeFile(image, PNG.sync.write(png));
});

describe('weights with NaN or infinite values', () => {
  it('eval refuses them, naming the tensor', async () => {
    const file = await weightsWith('conv1.weight', 7, Number.NaN);
    const run = await cnnkit(['eval', '--weights', file, '--data', 'sample']);
    expect(run.code).toBe(1);
    expect(errorLine(run)).toBe(
      `cnnkit: ${file}: tensor conv1.weight (1 NaN of 450 values, first at index 7); the training diverged or the file is damaged. Pass --allow-non-finite to use it anyway.`,
    );
    expect(run.stdout).toBe('');
  });

  it('predict refuses them, naming the tensor', async () => {
    const file = await weightsWith('fc3.bias', 9, Number.NEGATIVE_INFINITY);
    const run = await cnnkit(['predict', image, '--weights', file]);
    expect(run.code).toBe(1);
    expect(errorLine(run)).toBe(
      `cnnkit: ${file}: tensor fc3.bias (1 infinite of 10 values, first at index 9); the training diverged or the file is damaged. Pass --allow-non-finite to use it anyway.`,
    );
    expect(run.stdout).toBe('');
  });

  it('--allow-non-finite uses them anyway, with a warning', async () => {
    const file = await weightsWith('conv1.weight', 7, Number.NaN);
    const run = await cnnkit(['predict', image, '--weights', file, '--allow-non-finite', '--json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain(
      `cnnkit: warning: ${file}: tensor conv1.weight (1 NaN of 450 values, first at index 7); results will be meaningless (--allow-non-finite)`,
    );
    expect(JSON.parse(run.stdout)[0].file).toBe(image);
  });
});
