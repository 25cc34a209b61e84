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
  it("defaults train to the PyTorch tutorial's recipe", async () => {
    const handlers = await parse(['train']);
    expect(handlers.train).toHaveBeenCalledWith(
      expect.objectContaining({
        epochs: 2,
        batchSize: 4,
        lr: 0.001,
        momentum: 0.9,
        seed: 0,
        reportEvery: 2000,
        json: false,
        augment: false,
        force: false,
      }),
      expect.any(Set),
    );
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

  it('refuses NaN weights unless --allow-non-finite is given', async () => {
    const refused = await parse(['eval', '--weights', 'w.safetensors']);
    expect(refused.eval).toHaveBeenCalledWith(expect.objectContaining({ allowNonFinite: false }));
    const allowed = await parse(['predict', 'a.png', '--weights', 'w', '--allow-non-finite']);
    expect(allowed.predict).toHaveBeenCalledWith(
      ['a.png'],
      expect.objectContaining({ allowNonFinite: true }),
    );
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
    [['eval'], 'commander.missingMandatoryOptionValue'],
    [['predict', '--weights', 'w.safetensors'], 'commander.missingArgument'],
    [['fly'], 'commander.unknownCommand'],
  ])('rejects %j as a usage error (%s)', async (args, code) => {
    const error = await parse(args).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommanderError);
    expect((error as CommanderError).code).toBe(code);
  });
});
