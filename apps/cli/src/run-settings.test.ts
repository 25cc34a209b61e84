import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RECIPES } from '@cnnkit/recipes';
import { describe, expect, it } from 'vitest';
import type { TrainOptions } from './cli-program.js';
import {
  conflictingFlags,
  epochsCanChange,
  readRunRecord,
  settingsFromFlags,
} from './run-settings.js';

const data = { source: 'sample', trainImages: 2000, testImages: 500, sha256: 'ab' };
const flags = (options: Partial<TrainOptions>): TrainOptions => ({
  recipe: 'tutorial',
  seed: 0,
  force: false,
  json: false,
  freeze: false,
  ...options,
});

describe('run settings', () => {
  it('reads a run.json from before recipes as a tutorial run with its flags', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'cnnkit-run-')), 'run.json');
    const session = {
      startedAt: '2026-11-28T00:00:00.000Z',
      fromStep: 0,
      epochs: 3,
      backend: 'wasm',
    };
    await writeFile(
      file,
      JSON.stringify({
        format: 'cnnkit-run/1',
        settings: {
          model: 'simple-cnn',
          data,
          batchSize: 8,
          lr: 0.01,
          momentum: 0.5,
          seed: 4,
          limit: 40,
          augment: true,
          reportEvery: 5,
          checkpointEvery: 7,
        },
        epochs: 3,
        sessions: [session],
      }),
    );
    expect(await readRunRecord(file)).toEqual({
      format: 'cnnkit-run/2',
      settings: {
        ...RECIPES.tutorial,
        epochs: 3,
        batchSize: 8,
        lr: 0.01,
        momentum: 0.5,
        augment: true,
        seed: 4,
        limit: 40,
        testLimit: null,
        reportEvery: 5,
        checkpointEvery: 7,
        imageSize: null,
        resize: null,
        valSplit: null,
        initWeights: null,
        freeze: false,
        data,
      },
      sessions: [session],
    });
  });

  it('keeps the image-folder and fine-tuning settings of a cnnkit-run/1 run', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'cnnkit-run-')), 'run.json');
    const image = {
      imageSize: 64,
      resize: 'shorter-side',
      valSplit: 0.2,
      initWeights: '/w/simple-cnn.safetensors',
      freeze: true,
    };
    await writeFile(
      file,
      JSON.stringify({
        format: 'cnnkit-run/1',
        settings: { model: 'simple-cnn', data, batchSize: 4, ...image },
        epochs: 2,
        sessions: [],
      }),
    );
    const record = await readRunRecord(file);
    expect(record?.settings).toMatchObject({ ...RECIPES.tutorial, ...image, epochs: 2 });
  });

  it('records the image folder and --init-weights/--freeze, and names --freeze on a resume', () => {
    const image = { size: 48, resize: 'squash', valSplit: 0.1 } as const;
    const options = flags({ recipe: 'fast', initWeights: 'w.safetensors', freeze: true });
    const settings = settingsFromFlags(options, data, image);
    expect(settings).toMatchObject({
      model: 'airbench',
      imageSize: 48,
      resize: 'squash',
      valSplit: 0.1,
      initWeights: 'w.safetensors',
      freeze: true,
    });
    const { data: _data, ...stored } = settings;
    expect(conflictingFlags(stored, { ...options, freeze: false }, new Set(['freeze']))).toEqual([
      { flag: '--freeze', stored: '--freeze', given: '--no-freeze' },
    ]);
  });

  it('fills a recipe from flags, and names a setting it cannot use', () => {
    const fast = settingsFromFlags(flags({ recipe: 'fast', epochs: 3, lookahead: null }), data);
    expect(fast).toMatchObject({ model: 'airbench', epochs: 3, lookahead: null, reportEvery: 16 });
    expect(epochsCanChange(fast)).toBe(false);
    expect(epochsCanChange(settingsFromFlags(flags({}), data))).toBe(true);
    expect(() => settingsFromFlags(flags({ model: 'resnet9', widths: [8] }), data)).toThrow(
      '--recipe tutorial: recipe setting widths must be null except for the airbench model, got [8].',
    );
  });

  it('lists the given flags that differ from the run, in flag spelling', () => {
    const { data: _data, ...stored } = settingsFromFlags(flags({ recipe: 'fast' }), data);
    const options = flags({
      recipe: 'fast',
      lookahead: null,
      lrSchedule: { type: 'constant' },
      whiteningBiasEpochs: null,
      tta: 'mirror-translate',
      epochs: 5,
    });
    const given = new Set([
      'recipe',
      'lookahead',
      'lrSchedule',
      'whiteningBiasEpochs',
      'tta',
      'epochs',
    ]);
    expect(conflictingFlags(stored, options, given)).toEqual([
      {
        flag: '--lr-schedule',
        stored: '--lr-schedule 0:0.2,0.23:1,1:0.07',
        given: '--lr-schedule constant',
      },
      {
        flag: '--lookahead',
        stored: '--lookahead 5,0.7737809374999998,3',
        given: '--lookahead none',
      },
      {
        flag: '--whitening-bias-epochs',
        stored: '--whitening-bias-epochs 3',
        given: '--whitening-bias-epochs all',
      },
    ]);
  });
});
