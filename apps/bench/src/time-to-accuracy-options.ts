import { parseArgs } from 'node:util';
import { UsageError } from './bench-options.js';

/** What `pnpm bench --time-to-accuracy` was asked to do, with defaults filled in. */
export interface TimeToAccuracyOptions {
  /** A cifar-10-binary.tar.gz, an extracted directory, or 'sample'. */
  readonly data: string;
  /** One cnnkit and one PyTorch run of the recipe per seed, alternating. */
  readonly seeds: readonly number[];
  /** Test accuracies whose time is reported (0.9 and 0.93). */
  readonly targets: readonly number[];
  /** The fast recipe's settings changed on both sides (a quicker check; batch 512 for memory). */
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly widths?: readonly number[];
  readonly limit?: number;
  readonly testLimit?: number;
  readonly pytorch: boolean;
  readonly python: string;
  readonly torchThreads: number;
  readonly json: boolean;
  readonly markdown?: string;
}

export const timeToAccuracyUsage = `Usage: pnpm bench --time-to-accuracy [options]

Trains the fast recipe (airbench93) with cnnkit (wasm backend) and with PyTorch
(scripts/pytorch/train_fast_recipe.py) once per seed, alternating, and prints images/s,
minutes to each target accuracy, and the final accuracy (mean and range over the seeds).
Training time only: the end-of-epoch evaluations are not counted.

Options:
  --data <archive|dir|sample>  CIFAR-10 (default: ../shared/data/cifar-10-binary.tar.gz)
  --seeds <list>               seeds, comma-separated (default 0,1,2)
  --targets <list>             accuracies to time, comma-separated (default 0.9,0.93)
  --batch-size <n>             the recipe's batch on both sides (512 on wasm: a step of
                               the recipe's 1,024 does not fit in wasm's 4 GB of memory)
  --epochs <n>, --widths <list>, --limit <n>, --test-limit <n>
                               change the recipe or the data for a quick check only
  --no-pytorch                 cnnkit only
  --python <path>              Python with torch (default /usr/bin/python3)
  --torch-threads <n>          torch.set_num_threads (default 2)
  --json                       print the results as JSON instead of a table
  --markdown <file>            also write the results as Markdown to <file>
  -h, --help                   show this help`;

function count(flag: string, value: string | undefined, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`${flag} needs a whole number >= ${min}, got '${value}'.`);
  }
  return n;
}

function numbers(flag: string, value: string, check: (n: number) => boolean, want: string) {
  const items = value.split(',').map((item) => item.trim());
  const parsed = items.map(Number);
  if (items.some((item) => item === '') || !parsed.every((n) => Number.isFinite(n) && check(n))) {
    throw new UsageError(`${flag} needs ${want} separated by commas, got '${value}'.`);
  }
  return parsed;
}

/**
 * Parses `pnpm bench --time-to-accuracy` arguments (the mode flag itself included). Returns
 * `'help'` for `--help`; throws {@link UsageError} naming the bad flag and value.
 *
 * @example
 * ```ts
 * const options = parseTimeToAccuracyArgs(['--time-to-accuracy', '--seeds', '0,1'], { defaultData: 'cifar.tar.gz' });
 * // options !== 'help' && options.seeds → [0, 1]
 * ```
 */
export function parseTimeToAccuracyArgs(
  argv: readonly string[],
  defaults: { readonly defaultData: string },
): TimeToAccuracyOptions | 'help' {
  let values: ReturnType<typeof parse>['values'];
  try {
    const parsed = parse(argv);
    if (parsed.positionals.length > 0) {
      throw new Error(`Unexpected argument '${parsed.positionals[0]}'; every option is a --flag.`);
    }
    values = parsed.values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return 'help';
  const optional = <K extends string, V>(key: K, value: V | undefined) =>
    (value === undefined ? {} : { [key]: value }) as { [key in K]?: V };
  return {
    data: values.data ?? defaults.defaultData,
    seeds:
      values.seeds === undefined
        ? [0, 1, 2]
        : numbers('--seeds', values.seeds, (n) => Number.isInteger(n) && n >= 0, 'whole numbers'),
    targets:
      values.targets === undefined
        ? [0.9, 0.93]
        : numbers('--targets', values.targets, (n) => n > 0 && n <= 1, 'accuracies in (0, 1]'),
    ...optional('epochs', count('--epochs', values.epochs)),
    ...optional('batchSize', count('--batch-size', values['batch-size'])),
    ...optional(
      'widths',
      values.widths === undefined
        ? undefined
        : numbers('--widths', values.widths, (n) => Number.isInteger(n) && n >= 1, 'whole numbers'),
    ),
    ...optional('limit', count('--limit', values.limit)),
    ...optional('testLimit', count('--test-limit', values['test-limit'])),
    pytorch: !values['no-pytorch'],
    python: values.python ?? '/usr/bin/python3',
    torchThreads: count('--torch-threads', values['torch-threads']) ?? 2,
    json: values.json ?? false,
    ...optional('markdown', values.markdown),
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: true,
    options: {
      'time-to-accuracy': { type: 'boolean' },
      data: { type: 'string' },
      seeds: { type: 'string' },
      targets: { type: 'string' },
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      widths: { type: 'string' },
      limit: { type: 'string' },
      'test-limit': { type: 'string' },
      'no-pytorch': { type: 'boolean' },
      python: { type: 'string' },
      'torch-threads': { type: 'string' },
      json: { type: 'boolean' },
      markdown: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
