import { parseArgs } from 'node:util';
import type { BackendName } from './types.js';

/** What `pnpm bench` was asked to do, with defaults filled in. */
export interface BenchOptions {
  /** A cifar-10-binary.tar.gz, an extracted directory, or 'sample' (the embedded sample). */
  readonly data: string;
  readonly backends: readonly BackendName[];
  readonly batchSizes: readonly number[];
  /** Untimed training batches before timing; undefined: per batch size (see stepCounts). */
  readonly warmup?: number;
  /** Timed training batches per run; undefined: per batch size (see stepCounts). */
  readonly batches?: number;
  readonly repeats: number;
  readonly evalBatch: number;
  readonly evalRepeats: number;
  /** Test images per evaluation run; undefined: the whole test set (cpu: 1,000). */
  readonly evalImages?: number;
  readonly pytorch: boolean;
  readonly python: string;
  readonly torchThreads: number;
  readonly seed: number;
  readonly json: boolean;
  /** Also write the results as Markdown to this file. */
  readonly markdown?: string;
}

/** A flag was wrong; the message says which and what to pass instead. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

const backendNames: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

export const usage = `Usage: pnpm bench [options]

Times cnnkit training (warm-up excluded) and test-set evaluation on each tfjs backend and, when
the Python has torch, the same net and data in PyTorch; prints img/s and cnnkit/PyTorch ratios.

Options:
  --data <archive|dir|sample>  CIFAR-10 (default: ../shared/data/cifar-10-binary.tar.gz
                               beside the repo); 'sample' = the embedded 2,000-image sample
  --backends <list>            tfjs backends, comma-separated: tensorflow,wasm,cpu
                               (default tensorflow,wasm; ones that do not load are skipped)
  --batch-sizes <list>         training batch sizes (default 4,64)
  --warmup <n>                 untimed training batches before timing (default: 256 images'
                               worth, at least 5 batches; cpu 1 batch)
  --batches <n>                timed training batches per run (default: 1,024 images' worth,
                               at least 8 batches; cpu 16 images' worth)
  --repeats <n>                timed training runs per backend and batch size (default 5)
  --eval-batch <n>             evaluation batch size (default 1000)
  --eval-repeats <n>           timed evaluation runs (default 3)
  --eval-images <n>            test images per evaluation run (default all; cpu 1,000)
  --no-pytorch                 do not run the PyTorch reference
  --python <path>              Python with torch (default /usr/bin/python3)
  --torch-threads <n>          torch.set_num_threads for PyTorch (default 1)
  --seed <n>                   initial weights (default 0)
  --json                       print the results as JSON instead of a table
  --markdown <file>            also write the results as Markdown to <file>
  --time-to-accuracy           another mode: the fast recipe trained by cnnkit and PyTorch
                               (pnpm bench --time-to-accuracy --help lists its options)
  -h, --help                   show this help`;

function wholeNumber(flag: string, value: string | undefined, min: 0 | 1): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(number) || number < min) {
    throw new UsageError(`${flag} needs a whole number >= ${min}, got '${value}'.`);
  }
  return number;
}

const positiveInteger = (flag: string, value: string | undefined) => wholeNumber(flag, value, 1);

function list(flag: string, value: string): string[] {
  const items = value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0) throw new UsageError(`${flag} needs at least one value, got '${value}'.`);
  return [...new Set(items)];
}

function backendList(value: string): BackendName[] {
  return list('--backends', value).map((name) => {
    if (!(backendNames as readonly string[]).includes(name)) {
      throw new UsageError(
        `--backends: unknown backend '${name}'. Use any of: ${backendNames.join(', ')}.`,
      );
    }
    return name as BackendName;
  });
}

/**
 * Parses `pnpm bench` arguments. Returns `'help'` for `--help`; throws {@link UsageError}
 * naming the bad flag and value.
 *
 * @example
 * ```ts
 * const options = parseBenchArgs(['--data', 'sample', '--backends', 'wasm,cpu'], {
 *   defaultData: '/work/shared/data/cifar-10-binary.tar.gz',
 * });
 * // options !== 'help' && options.backends → ['wasm', 'cpu']
 * ```
 */
export function parseBenchArgs(
  argv: readonly string[],
  defaults: { readonly defaultData: string },
): BenchOptions | 'help' {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length > 0) {
    throw new UsageError(`Unexpected argument '${positionals[0]}'; every option is a --flag.`);
  }
  const number = (flag: string, value: string | undefined, fallback: number): number =>
    positiveInteger(flag, value) ?? fallback;
  return {
    data: values.data ?? defaults.defaultData,
    backends: values.backends === undefined ? ['tensorflow', 'wasm'] : backendList(values.backends),
    batchSizes:
      values['batch-sizes'] === undefined
        ? [4, 64]
        : list('--batch-sizes', values['batch-sizes']).map(
            (value) => positiveInteger('--batch-sizes', value) as number,
          ),
    warmup: wholeNumber('--warmup', values.warmup, 0),
    batches: positiveInteger('--batches', values.batches),
    repeats: number('--repeats', values.repeats, 5),
    evalBatch: number('--eval-batch', values['eval-batch'], 1000),
    evalRepeats: number('--eval-repeats', values['eval-repeats'], 3),
    evalImages: positiveInteger('--eval-images', values['eval-images']),
    pytorch: !values['no-pytorch'],
    python: values.python ?? '/usr/bin/python3',
    torchThreads: number('--torch-threads', values['torch-threads'], 1),
    seed: wholeNumber('--seed', values.seed, 0) ?? 0,
    json: values.json ?? false,
    ...(values.markdown === undefined ? {} : { markdown: values.markdown }),
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      data: { type: 'string' },
      backends: { type: 'string' },
      'batch-sizes': { type: 'string' },
      warmup: { type: 'string' },
      batches: { type: 'string' },
      repeats: { type: 'string' },
      'eval-batch': { type: 'string' },
      'eval-repeats': { type: 'string' },
      'eval-images': { type: 'string' },
      'no-pytorch': { type: 'boolean' },
      python: { type: 'string' },
      'torch-threads': { type: 'string' },
      seed: { type: 'string' },
      json: { type: 'boolean' },
      markdown: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
