import { CommanderError } from 'commander';
import { describe, expect, it, vi } from 'vitest';
import { type CommandHandlers, createProgram } from './cli-program.js';

function fakeHandlers() {
  return {
    train: vi.fn(async (_options: unknown, _given: ReadonlySet<string>) => {}),
    eval: vi.fn(async () => {}),
    predict: vi.fn(async () => {}),
    download: vi.fn(async () => {}),
    info: vi.fn(async () => {}),
    export: vi.fn(async () => {}),
  } satisfies CommandHandlers;
}

async function parse(args: string[]) {
  const handlers = fakeHandlers();
  const program = createProgram('1.2.3', handlers);
  program.configureOutput({ writeErr: () => {}, writeOut: () => {} });
  for (const command of program.commands)
    command.configureOutput({ writeErr: () => {}, writeOut: () => {} });
  await program.parseAsync(['node', 'cnnkit', ...args]);
  return handlers;
}

describe('cnnkit command line', () => {
  it("defaults train to the PyTorch tutorial's recipe, its hyper-parameters left to it", async () => {
    const handlers = await parse(['train']);
    expect(handlers.train).toHaveBeenCalledWith(
      expect.objectContaining({ recipe: 'tutorial', seed: 0, json: false, force: false }),
      expect.any(Set),
    );
    const options = handlers.train.mock.calls[0]?.[0] as Record<string, unknown>;
    for (const key of ['epochs', 'batchSize', 'lr', 'momentum', 'augment', 'reportEvery']) {
      expect(options[key]).toBeUndefined();
    }
    // Defaults are not flags the user gave: a resumed run keeps its own values for them.
    const given = handlers.train.mock.calls[0]?.[1] as unknown as Set<string>;
    expect([...given].filter((name) => name !== 'cacheDir')).toEqual([]);
  });

  it('parses train flags', async () => {
    const handlers = await parse([
      'train',
      '--data',
      'sample',
      '--backend',
      'cpu',
      '--epochs',
      '3',
      '--batch-size',
      '64',
      '--lr',
      '0.01',
      '--momentum',
      '0',
      '--seed',
      '7',
      '--limit',
      '200',
      '--out',
      'runs/x',
      '--json',
    ]);
    expect(handlers.train).toHaveBeenCalledWith(
      expect.objectContaining({
        data: 'sample',
        backend: 'cpu',
        epochs: 3,
        batchSize: 64,
        lr: 0.01,
        momentum: 0,
        seed: 7,
        limit: 200,
        out: 'runs/x',
        json: true,
      }),
      new Set([
        'data',
        'backend',
        'epochs',
        'batchSize',
        'lr',
        'momentum',
        'seed',
        'limit',
        'out',
        'json',
      ]),
    );
  });

  it('parses every hyper-parameter flag of a recipe', async () => {
    const handlers = await parse(
      [
        ['train', '--recipe', 'fast', '--model', 'airbench', '--widths', '32,64,64'],
        ['--sgd-form', 'torch', '--nesterov', '--weight-decay', '5e-4', '--bias-lr-scale', '2'],
        ['--label-smoothing', '0.1', '--loss-reduction', 'mean'],
        ['--lr-schedule', '0:0.1,0.3:1,1:0', '--lookahead', 'none'],
        ['--whitening-images', '100', '--whitening-eps', '0.01', '--whitening-bias-epochs', 'all'],
        ['--no-augment', '--augmentation', 'crop-flip', '--translate', '1'],
        ['--normalization', 'tutorial', '--tta', 'mirror', '--no-drop-last'],
      ].flat(),
    );
    expect(handlers.train).toHaveBeenCalledWith(
      expect.objectContaining({
        recipe: 'fast',
        model: 'airbench',
        widths: [32, 64, 64],
        sgdForm: 'torch',
        nesterov: true,
        weightDecay: 5e-4,
        biasLrScale: 2,
        labelSmoothing: 0.1,
        lossReduction: 'mean',
        lrSchedule: {
          type: 'piecewise-linear',
          points: [
            [0, 0.1],
            [0.3, 1],
            [1, 0],
          ],
        },
        lookahead: null,
        whiteningImages: 100,
        whiteningEps: 0.01,
        whiteningBiasEpochs: null,
        augment: false,
        augmentation: 'crop-flip',
        translate: 1,
        normalization: 'tutorial',
        tta: 'mirror',
        dropLast: false,
      }),
      expect.any(Set),
    );
    const lookahead = await parse(['train', '--lookahead', '5,0.77,3']);
    expect(lookahead.train).toHaveBeenCalledWith(
      expect.objectContaining({ lookahead: { every: 5, decay: 0.77, power: 3 } }),
      new Set(['lookahead']),
    );
  });

  it('refuses NaN weights unless --allow-non-finite is given', async () => {
    const refused = await parse(['eval', '--weights', 'w.safetensors']);
    expect(refused.eval).toHaveBeenCalledWith(expect.objectContaining({ allowNonFinite: false }));
    const allowed = await parse(['predict', 'a.png', '--weights', 'w', '--allow-non-finite']);
    expect(allowed.predict).toHaveBeenCalledWith(
      ['a.png'],
      expect.objectContaining({ allowNonFinite: true }),
    );
  });

  it("evaluates with the run's test-time augmentation unless --tta names one", async () => {
    const plain = await parse(['eval', '--weights', 'w.safetensors']);
    expect(plain.eval).toHaveBeenCalledWith(
      expect.not.objectContaining({ tta: expect.anything() }),
    );
    const tta = await parse(['eval', '--weights', 'w.safetensors', '--tta', 'mirror-translate']);
    expect(tta.eval).toHaveBeenCalledWith(expect.objectContaining({ tta: 'mirror-translate' }));
  });

  it('passes images and weights to predict', async () => {
    const handlers = await parse(['predict', 'a.png', 'b.jpg', '--weights', 'w.safetensors']);
    expect(handlers.predict).toHaveBeenCalledWith(
      ['a.png', 'b.jpg'],
      expect.objectContaining({ weights: 'w.safetensors', top: 3 }),
    );
  });

  it('passes download flags, time limits in seconds with defaults', async () => {
    const defaults = await parse(['download']);
    expect(defaults.download).toHaveBeenCalledWith(
      expect.objectContaining({
        force: false,
        verify: false,
        connectTimeout: 30,
        idleTimeout: 30,
        deadline: 1800,
      }),
    );
    const md5 = 'C32A1D4AB5D03F1284B67883E8D87530';
    const mirror = await parse(
      ['download', '--mirror', 'http://m/c.tgz', '--md5', md5, '--size', '123', '--verify'].concat([
        '--connect-timeout',
        '5',
        '--idle-timeout',
        '2.5',
        '--deadline',
        '60',
      ]),
    );
    expect(mirror.download).toHaveBeenCalledWith(
      expect.objectContaining({
        mirror: 'http://m/c.tgz',
        md5: md5.toLowerCase(),
        size: 123,
        verify: true,
        connectTimeout: 5,
        idleTimeout: 2.5,
        deadline: 60,
      }),
    );
  });

  it('passes export flags: format, out, model and softmax', async () => {
    const plain = await parse(['export', '--weights', 'w.safetensors', '--format', 'onnx']);
    expect(plain.export).toHaveBeenCalledWith({
      weights: 'w.safetensors',
      format: 'onnx',
      softmax: false,
      allowNonFinite: false,
      json: false,
    });
    const all = await parse([
      'export',
      '--weights',
      'w.safetensors',
      '--format',
      'tfjs',
      '--out',
      'web/model',
      '--model',
      'resnet9',
      '--softmax',
      '--json',
    ]);
    expect(all.export).toHaveBeenCalledWith(
      expect.objectContaining({
        format: 'tfjs',
        out: 'web/model',
        model: 'resnet9',
        softmax: true,
        json: true,
      }),
    );
  });

  it.each([
    [['export', '--weights', 'w.safetensors'], 'commander.missingMandatoryOptionValue'],
    [['export', '--weights', 'w.safetensors', '--format', 'pt'], 'commander.invalidArgument'],
    [
      ['export', '--weights', 'w.safetensors', '--format', 'onnx', '--model', 'vgg'],
      'commander.invalidArgument',
    ],
    [
      ['download', '--mirror', 'http://m/c.tgz', '--md5', 'c32a1d4ab5d03f1284b67883e8d87530'],
      'cnnkit.usage',
    ],
    [['download', '--size', '10', '--md5', 'c32a1d4ab5d03f1284b67883e8d87530'], 'cnnkit.usage'],
    [['download', '--md5', 'xyz'], 'commander.invalidArgument'],
    [['download', '--deadline', '0'], 'commander.invalidArgument'],
    [['train', '--epochs', '0'], 'commander.invalidArgument'],
    [['train', '--lr', 'fast'], 'commander.invalidArgument'],
    [['train', '--backend', 'gpu'], 'commander.invalidArgument'],
    [['train', '--frobnicate'], 'commander.unknownOption'],
    [['train', '--recipe', 'slow'], 'commander.invalidArgument'],
    [['train', '--model', 'vgg'], 'commander.invalidArgument'],
    [['train', '--widths', '64,x'], 'commander.invalidArgument'],
    [['train', '--lr-schedule', '0:1,1'], 'commander.invalidArgument'],
    [['train', '--lookahead', '5,0.9'], 'commander.invalidArgument'],
    [['train', '--tta', 'flip'], 'commander.invalidArgument'],
    [['eval'], 'commander.missingMandatoryOptionValue'],
    [['eval', '--weights', 'w', '--tta', 'flip'], 'commander.invalidArgument'],
    [['predict', '--weights', 'w.safetensors'], 'commander.missingArgument'],
    [['fly'], 'commander.unknownCommand'],
  ])('rejects %j as a usage error (%s)', async (args, code) => {
    const error = await parse(args).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommanderError);
    expect((error as CommanderError).code).toBe(code);
  });
});
