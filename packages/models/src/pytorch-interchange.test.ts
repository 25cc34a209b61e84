import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { encodeSafetensors } from '@cnnkit/safetensors';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AirbenchNet } from './airbench-net.js';
import { createModel, type ModelName } from './model-registry.js';
import { useBackend } from './test-support/backends.js';
import { maxAbsDiff, valuesOf } from './test-support/compare.js';
import { fixtureTensorsFromBytes } from './test-support/fixtures.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../../../scripts/pytorch/model_logits.py', import.meta.url));
const torchAvailable =
  spawnSync(PYTHON, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;

/** Models at their full default widths, and one with changed options. */
const CASES: readonly { name: ModelName; options: Record<string, unknown> }[] = [
  { name: 'airbench', options: {} },
  {
    name: 'airbench',
    options: { numClasses: 5, widths: [32, 64, 48], batchNormWeightTrainable: true },
  },
  { name: 'resnet9', options: {} },
  // fc1's inputs follow the input size (a 9×9 map from 48×48), fc3's outputs the classes.
  { name: 'simple-cnn', options: { numClasses: 3, imageSize: 48 } },
];

// cnnkit writes weights and images; PyTorch (scripts/pytorch/model_logits.py) loads the
// weights into the reference module with load_state_dict(strict=True), writes them back, and
// computes eval- and train-mode logits and the running statistics after one training step.
describe.skipIf(!torchAvailable)('weights from cnnkit in PyTorch (live, /usr/bin/python3)', () => {
  let dir = '';
  let tensorsBefore = 0;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'cnnkit-interchange-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it.each(CASES)(
    '$name $options: same bytes back, same logits and statistics',
    async ({ name, options }) => {
      await useBackend('cpu');
      tensorsBefore = tf.memory().numTensors;
      const model = createModel(name, { seed: 7, ...options });
      const size = typeof options.imageSize === 'number' ? options.imageSize : 32;
      const images = tf.randomNormal([3, size, size, 3], 0, 1, 'float32', 11) as tf.Tensor4D;
      // Non-trivial state to carry over: data-derived whitening, running statistics, counts.
      if (model instanceof AirbenchNet) model.initWhitening(images);
      tf.dispose(model.logits(images, { training: true }));
      const bytes = model.saveWeights();
      const tag = `${name}-${Object.keys(options).length}`;
      const paths = {
        weights: join(dir, `${tag}.safetensors`),
        images: join(dir, `${tag}-images.safetensors`),
        out: join(dir, `${tag}-out.safetensors`),
        resave: join(dir, `${tag}-resaved.safetensors`),
      };
      writeFileSync(paths.weights, bytes);
      writeFileSync(
        paths.images,
        encodeSafetensors({
          images_nhwc: { dtype: 'F32', shape: images.shape, data: valuesOf(images) },
        }),
      );
      const run = spawnSync(
        PYTHON,
        [
          SCRIPT,
          '--model',
          name,
          '--options',
          JSON.stringify(options),
          '--weights',
          paths.weights,
          '--images',
          paths.images,
          '--out',
          paths.out,
          '--resave',
          paths.resave,
        ],
        // No __pycache__ in the repository's scripts/pytorch.
        { encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } },
      );
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      // Buffer.equals: toEqual walks 26 MB (ResNet-9) element by element and diffs for minutes.
      expect(readFileSync(paths.resave).equals(bytes)).toBe(true);
      const torch = fixtureTensorsFromBytes(readFileSync(paths.out), paths.out);

      const logits = model.logits(images);
      expect(maxAbsDiff(valuesOf(logits), torch.f32('logits'))).toBeLessThan(1e-4);
      const trainLogits = model.logits(images, { training: true });
      expect(maxAbsDiff(valuesOf(trainLogits), torch.f32('train_logits'))).toBeLessThan(1e-4);
      for (const buffer of model.buffers ?? []) {
        if (buffer.kind === 'batch-count') {
          expect(Array.from(buffer.variable.dataSync()), buffer.name).toEqual(
            torch.ints(buffer.name),
          );
        } else if (buffer.kind === 'running-mean' || buffer.kind === 'running-var') {
          expect(
            maxAbsDiff(valuesOf(buffer.variable), torch.f32(buffer.name)),
            buffer.name,
          ).toBeLessThan(1e-5);
        }
      }
      tf.dispose([images, logits, trainLogits]);
      model.dispose();
    },
  );
});
