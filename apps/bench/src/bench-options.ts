import { availableParallelism } from 'node:os';
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
  /**
   * Thread counts the wasm backend is timed at, each in its own runs (`--threads 1,2`: the
   * scaling); undefined: all logical cores. Other backends choose their own threads.
   */
  readonly threads?: readonly number[];
  /**
   * Train on one model replica per wasm thread (data-parallel, `ReplicaGradients`) instead of
   * one model whose kernels split over the threads. Evaluation is unchanged.
   */
  readonly replicas: boolean;
  readonly pytorch: boolean;
  readonly python: string;
  /** torch.set_num_threads per batch size (training and evaluation alike). */
  readonly torchThreads: TorchThreads;
  readonly seed: number;
  readonly json: boolean;
  /** Also write the results as Markdown to this file. */
  readonly markdown?: string;
}

/**
 * PyTorch's threads: `byBatch[b]` at batch size b, `other` at the rest. By default 1 thread at
 * batch 4 (PyTorch's fastest setting there: more threads only add overhead to tiny batches)
 * and all logical cores elsewhere, so every row compares with PyTorch at its best.
 */
export interface TorchThreads {
  readonly byBatch: Readonly<Record<number, number>>;
  readonly other: number;
}

/** PyTorch's threads at `batchSize`. */
export function torchThreadsAt(threads: TorchThreads, batchSize: number): number {
  return threads.byBatch[batchSize] ?? threads.other;
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
  --threads <list>             threads of the wasm backend's kernels, comma-separated, each
                               timed in its own runs with its scaling efficiency (e.g. 1,2;
                               default: all logical cores)
  --replicas                   train on one model replica per thread (data-parallel), not
                               one model whose kernels split over the threads
  --no-pytorch                 do not run the PyTorch reference
  --python <path>              Python with torch (default /usr/bin/python3)
  --torch-threads <spec>       torch.set_num_threads: n for every batch size, or
                               batch:n pairs (4:1,64:2) with an optional n for the rest
                               (default: 4:1 and all logical cores for the rest)
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

function torchThreadsSpec(value: string, cores: number): TorchThreads {
  const byBatch: Record<number, number> = {};
  let other = cores;
  for (const item of list('--torch-threads', value)) {
    const pair = /^(\d+):(\d+)$/.exec(item);
    if (pair) {
      const batch = positiveInteger('--torch-threads', pair[1]) as number;
      byBatch[batch] = positiveInteger('--torch-threads', pair[2]) as number;
    } else if (/^\d+$/.test(item)) {
      other = positiveInteger('--torch-threads', item) as number;
    } else {
      throw new UsageError(
        `--torch-threads: '${item}' is neither a thread count (2) nor batch:threads (64:2).`,
      );
    }
  }
  return { byBatch, other };
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
  defaults: { readonly defaultData: string; readonly cores?: number },
): BenchOptions | 'help' {
  const cores = defaults.cores ?? availableParallelism();
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
    ...(values.threads === undefined
      ? {}
      : {
          threads: list('--threads', values.threads).map(
            (value) => positiveInteger('--threads', value) as number,
          ),
        }),
    replicas: values.replicas ?? false,
    pytorch: !values['no-pytorch'],
    python: values.python ?? '/usr/bin/python3',
    torchThreads:
      values['torch-threads'] === undefined
        ? { byBatch: { 4: 1 }, other: cores }
        : torchThreadsSpec(values['torch-threads'], cores),
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
      replicas: { type: 'boolean' },
      'batch-sizes': { type: 'string' },
      warmup: { type: 'string' },
      batches: { type: 'string' },
      repeats: { type: 'string' },
      'eval-batch': { type: 'string' },
      'eval-repeats': { type: 'string' },
      'eval-images': { type: 'string' },
      threads: { type: 'string' },
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
