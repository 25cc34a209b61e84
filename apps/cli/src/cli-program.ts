import { availableParallelism } from 'node:os';
import type { ResizePolicy, TestTimeAugmentation } from '@cnnkit/contracts';
import { MODEL_NAMES, type ModelName } from '@cnnkit/models';
import { RECIPE_NAMES, type RecipeName } from '@cnnkit/recipes';
import { smallBatchSize } from '@cnnkit/wasm-kernels/node';
import { Command, Option } from 'commander';
import { backendNames } from './backend.js';
import {
  fractionBetweenZeroAndOne,
  integerAtLeast,
  integerBetween,
  md5Hex,
  positiveNumber,
} from './option-parsers.js';
import { type RecipeFlagValues, recipeOptions, withNullSettings } from './recipe-flags.js';

/** Options shared by the commands that run a model. */
export interface BackendOptions {
  /** One of {@link backendNames}; commander rejects others. */
  readonly backend?: string;
  /** Threads for the wasm backend's kernels; undefined: all logical cores. */
  readonly threads?: number;
}

export interface DataOptions {
  readonly data?: string;
  readonly cacheDir?: string;
}

/** How an image folder is read (`--data` naming one); ignored flags are refused for CIFAR-10. */
export interface ImageFolderFlags {
  /** Decoded size; default 32 (or the weights' input size for `eval`). */
  readonly imageSize?: number;
  readonly resize?: ResizePolicy;
  /** Held-out fraction when the folder has no train/ and val/ folders (default 0.1). */
  readonly valSplit?: number;
  /** A file that cannot be used is an error instead of being skipped. */
  readonly strict?: boolean;
}

/**
 * `cnnkit train`'s flags. Hyper-parameters left out are the recipe's (`recipeSettings`);
 * `reportEvery` and `checkpointEvery` left out are the recipe's defaults in run-settings.ts.
 */
export interface TrainOptions
  extends BackendOptions,
    DataOptions,
    ImageFolderFlags,
    RecipeFlagValues {
  readonly recipe: RecipeName;
  readonly seed: number;
  readonly limit?: number;
  readonly testLimit?: number;
  readonly out?: string;
  readonly resume?: string;
  readonly force: boolean;
  /** Train on one model replica per thread (data-parallel) instead of splitting the kernels. */
  readonly replicas?: boolean;
  readonly reportEvery?: number;
  readonly checkpointEvery?: number;
  readonly json: boolean;
  /** Start from these trained weights (fine-tuning). */
  readonly initWeights?: string;
  /** With initWeights: train only the classifier head. */
  readonly freeze: boolean;
}

export interface WeightsOptions {
  readonly weights: string;
  /** Use weights that hold NaN or infinite values instead of refusing them. */
  readonly allowNonFinite: boolean;
}

export interface EvalOptions
  extends BackendOptions,
    DataOptions,
    WeightsOptions,
    Pick<ImageFolderFlags, 'valSplit' | 'strict'> {
  readonly batchSize: number;
  /** Test-time augmentation; unset: the run's own (from its run.json), else none. */
  readonly tta?: TestTimeAugmentation;
  readonly json: boolean;
}

export interface PredictOptions extends BackendOptions, WeightsOptions {
  readonly top: number;
  readonly json: boolean;
}

export interface DownloadOptions {
  readonly cacheDir?: string;
  readonly mirror?: string;
  /** MD5 and size of the mirror's file, when it is not the official archive. */
  readonly md5?: string;
  readonly size?: number;
  readonly force: boolean;
  /** Also compare each cached file's MD5 with the one recorded when it was downloaded. */
  readonly verify: boolean;
  /** Time limits, in seconds. */
  readonly connectTimeout: number;
  readonly idleTimeout: number;
  readonly deadline: number;
}

export interface InfoOptions extends DataOptions, ImageFolderFlags {
  readonly json: boolean;
}

export interface ExportOptions extends WeightsOptions {
  readonly format: 'onnx' | 'tfjs';
  /** The ONNX file, or the TF.js model's directory. */
  readonly out?: string;
  /** One of MODEL_NAMES; commander rejects others. */
  readonly model?: ModelName;
  readonly softmax: boolean;
  readonly json: boolean;
}

/** What each command does once its flags are parsed; bin.ts supplies the real ones. */
export interface CommandHandlers {
  /** `given`: the options set on the command line (attribute names such as `lr`, `data`). */
  train(options: TrainOptions, given: ReadonlySet<string>): Promise<void>;
  eval(options: EvalOptions): Promise<void>;
  predict(images: string[], options: PredictOptions): Promise<void>;
  download(options: DownloadOptions): Promise<void>;
  info(options: InfoOptions): Promise<void>;
  export(options: ExportOptions): Promise<void>;
}

const backendOption = () =>
  new Option(
    '--backend <name>',
    'tensorflow (@tensorflow/tfjs-node), wasm, or cpu (slow; only when asked). Default: tensorflow when it loads, else wasm',
  ).choices(backendNames);

const threadsOption = () =>
  new Option(
    '--threads <n>',
    `threads the wasm backend computes with (results do not depend on it). Default: all ${availableParallelism()} logical cores; 1 when training with batches below ${smallBatchSize} (faster there)`,
  ).argParser(integerBetween(1, 64));

const dataOption = () =>
  new Option(
    '--data <dir|archive|sample>',
    "an image folder (<dir>/<class>/<image>, optionally in train/ and val/; or a .zip/.tar.gz of one), CIFAR-10 as an extracted directory or cifar-10-binary.tar.gz, or 'sample' (embedded 2,000 + 500 CIFAR-10 images). Default: the cached full CIFAR-10, else download it, else the sample",
  );

/** The flags that say how an image folder is read; `only` picks some for a command. */
function imageFolderOptions(
  only: readonly ('imageSize' | 'resize' | 'valSplit' | 'strict')[] = [
    'imageSize',
    'resize',
    'valSplit',
    'strict',
  ],
): Option[] {
  const all = {
    imageSize: new Option(
      '--image-size <px>',
      'image folders: decode images to <px>×<px> (default 32; SimpleCNN takes 16 and up)',
    ).argParser(integerAtLeast(1)),
    resize: new Option(
      '--resize <policy>',
      'image folders: shorter-side (scale the shorter side, cut the centre; default) or squash (scale each side)',
    ).choices(['shorter-side', 'squash']),
    valSplit: new Option(
      '--val-split <fraction>',
      'image folders without train/ and val/: hold out this fraction of each class for validation (default 0.1, seeded)',
    ).argParser(fractionBetweenZeroAndOne),
    strict: new Option(
      '--strict',
      'image folders: stop at a file that cannot be used instead of skipping and reporting it',
    ),
  };
  return only.map((name) => all[name]);
}

const allowNonFiniteOption = () =>
  new Option(
    '--allow-non-finite',
    'use weights that hold NaN or infinite values (refused otherwise: they give meaningless results)',
  ).default(false);

/** The options of `command` the user set (on the command line or through their variable). */
function optionsGiven(command: Command): ReadonlySet<string> {
  return new Set(
    command.options
      .map((option) => option.attributeName())
      .filter((name) => {
        const source = command.getOptionValueSource(name);
        return source === 'cli' || source === 'env';
      }),
  );
}

const cacheDirOption = () =>
  new Option('--cache-dir <dir>', 'where downloads and decoded images are kept').env(
    'CNNKIT_CACHE_DIR',
  );

/** Builds the `cnnkit` command line. Parsing errors exit through commander's exitOverride. */
export function createProgram(version: string, handlers: CommandHandlers): Command {
  const program = new Command('cnnkit')
    .description(
      'Train, evaluate, fine-tune and run image classifiers on CIFAR-10 or your own image folders with TensorFlow.js.',
    )
    .version(version, '-v, --version')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  const train = program
    .command('train')
    .description(
      'train a CNN on CIFAR-10 with a recipe: tutorial (default: the PyTorch CIFAR-10 tutorial, SimpleCNN) or fast (airbench93: 93 % published on GPUs, 89.5 % measured with cnnkit at batch 512 on a JPEG-rebuilt CIFAR-10 copy); any hyper-parameter flag overrides the recipe',
    )
    .addOption(dataOption())
    .addOption(cacheDirOption())
    .addOption(backendOption())
    .addOption(threadsOption())
    .addOption(
      new Option('--recipe <name>', 'the preset of every hyper-parameter below')
        .choices(RECIPE_NAMES)
        .default('tutorial'),
    );
  for (const option of recipeOptions()) train.addOption(option);
  train
    .option(
      '--seed <n>',
      'seed for initialisation, shuffling and augmentation',
      integerAtLeast(0),
      0,
    )
    .option('--limit <n>', 'train on the first n training images only', integerAtLeast(1))
    .option('--test-limit <n>', 'evaluate on the first n test images only', integerAtLeast(1))
    .option(
      '--out <dir>',
      'directory for a new run: checkpoints, metrics.jsonl, weights (default: runs/<date-time>); refused when it holds a run',
    )
    .option(
      '--resume <dir>',
      "continue the run in <dir> with its own settings; only --backend may change (and --epochs, when the recipe's schedule does not depend on it)",
    )
    .option('--force', 'with --out: delete the run already in <dir> and start over', false)
    .option(
      '--replicas',
      'wasm, models without BatchNorm (SimpleCNN): train one model replica per thread, each on its share of every batch (data-parallel), instead of one model whose kernels split over the threads. Same weights run after run for the same --threads',
    )
    .option(
      '--report-every <n>',
      "print the running loss every n batches (tutorial: the tutorial's 2000; fast: 16)",
      integerAtLeast(1),
    )
    .option(
      '--checkpoint-every <n>',
      'write a checkpoint every n batches, and after every epoch (default 1000)',
      integerAtLeast(1),
    )
    .option(
      '--json',
      'print the final metrics and every setting as one JSON object on stdout',
      false,
    )
    .option(
      '--init-weights <file.safetensors>',
      'start from these trained weights (fine-tuning); a classifier for other classes gets a new head',
    )
    .option(
      '--freeze',
      'with --init-weights: train only the classifier head, keeping the feature layers fixed',
      false,
    )
    .action((options: TrainOptions, command: Command) =>
      handlers.train(withNullSettings(options), optionsGiven(command)),
    );
  for (const option of imageFolderOptions()) train.addOption(option);

  const evaluate = program
    .command('eval')
    .description(
      'evaluate weights on the CIFAR-10 test set or an image folder (its val/ folder, or all of it)',
    )
    .requiredOption(
      '--weights <file.safetensors>',
      'weights written by cnnkit or PyTorch (SimpleCNN)',
    )
    .addOption(dataOption())
    .addOption(cacheDirOption())
    .addOption(backendOption())
    .addOption(threadsOption())
    .option('--batch-size <n>', 'images per evaluation step', integerAtLeast(1), 500)
    .addOption(
      new Option(
        '--tta <kind>',
        "test-time augmentation: average the logits of each image and its mirror (mirror), and of two 1-pixel shifts of both (mirror-translate, the fast recipe's). Default: the training run's own when the weights sit in its run directory, else none",
      ).choices(['none', 'mirror', 'mirror-translate']),
    )
    .addOption(allowNonFiniteOption())
    .option('--json', 'print the metrics as one JSON object on stdout', false)
    .action((options: EvalOptions) => handlers.eval(options));
  for (const option of imageFolderOptions(['valSplit', 'strict'])) evaluate.addOption(option);

  program
    .command('predict')
    .description(
      "classify images (JPEG, PNG, WebP, GIF, AVIF, TIFF, BMP) up to 25 megapixels with the weights' classes",
    )
    .argument('<image...>', 'image files')
    .requiredOption(
      '--weights <file.safetensors>',
      'weights written by cnnkit or PyTorch (SimpleCNN)',
    )
    .addOption(backendOption())
    .addOption(threadsOption())
    .option('--top <k>', 'how many classes to show per image', integerAtLeast(1), 3)
    .addOption(allowNonFiniteOption())
    .option('--json', 'print the predictions as JSON on stdout', false)
    .action((images: string[], options: PredictOptions) => handlers.predict(images, options));

  program
    .command('download')
    .description('download and verify the official CIFAR-10 binary archive into the cache')
    .addOption(cacheDirOption())
    .option('--mirror <url>', 'download from this URL instead of the official one')
    .option('--md5 <hex>', "the mirror's file MD5, when it is not the official archive", md5Hex)
    .option(
      '--size <bytes>',
      "the mirror's file size, when it is not the official archive",
      integerAtLeast(1),
    )
    .option('--force', 'download again even when the cache is complete', false)
    .option('--verify', "also check each cached file's MD5 (reads 184 MB)", false)
    .option(
      '--connect-timeout <seconds>',
      "longest wait for the server's answer to a request",
      positiveNumber,
      30,
    )
    .option(
      '--idle-timeout <seconds>',
      'longest wait for the next bytes before trying again (the download resumes)',
      positiveNumber,
      30,
    )
    .option(
      '--deadline <seconds>',
      'time for the whole download, retries included (enough for 100 kB/s)',
      positiveNumber,
      1800,
    )
    .action((options: DownloadOptions, command: Command) => {
      if (
        (options.md5 === undefined) !== (options.size === undefined) ||
        (options.md5 && !options.mirror)
      ) {
        command.error(
          "error: --md5 and --size describe a mirror's own file: give both, with --mirror.",
          { exitCode: 2, code: 'cnnkit.usage' },
        );
      }
      return handlers.download(options);
    });

  program
    .command('export')
    .description(
      'write weights as an ONNX model (onnxruntime, NCHW input) or a TensorFlow.js graph model (tf.loadGraphModel, NHWC input)',
    )
    .requiredOption('--weights <file.safetensors>', 'weights written by cnnkit or PyTorch')
    .addOption(
      new Option('--format <format>', 'onnx: one .onnx file; tfjs: model.json and weight shards')
        .choices(['onnx', 'tfjs'])
        .makeOptionMandatory(),
    )
    .option(
      '--out <path>',
      'the .onnx file, or the directory for the TF.js files (default: beside the weights, <name>.onnx or <name>-tfjs/)',
    )
    .addOption(
      new Option(
        '--model <name>',
        "the model the weights are for (default: the file's metadata, else simple-cnn)",
      ).choices(MODEL_NAMES),
    )
    .option('--softmax', 'end with a softmax: output probabilities instead of logits', false)
    .addOption(allowNonFiniteOption())
    .option('--json', 'print what was written as one JSON object on stdout', false)
    .action((options: ExportOptions) => handlers.export(options));

  const info = program
    .command('info')
    .description(
      'show the backends that load here, the data cache and versions; with --data, describe that data (classes, counts, split, unreadable files)',
    )
    .addOption(
      new Option(
        '--data <dir|archive|sample>',
        'describe this data: an image folder (or a .zip/.tar.gz of one), CIFAR-10 or sample',
      ),
    )
    .addOption(cacheDirOption())
    .option('--json', 'print as JSON', false)
    .action((options: InfoOptions) => handlers.info(options));
  for (const option of imageFolderOptions()) info.addOption(option);

  return program;
}
