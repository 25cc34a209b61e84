/** The TensorFlow.js backends the benchmark can time, fastest first. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** Who ran a measurement: a tfjs backend through cnnkit, or the PyTorch reference. */
export type Runner = BackendName | 'pytorch';

/** What was timed: training steps (forward, backward, SGD update) or test-set evaluation. */
export type Task = 'train' | 'eval';

/** One timed run: `images` images in `seconds`. */
export interface TimedRun {
  readonly images: number;
  readonly seconds: number;
}

/** All timed runs of one runner, task and batch size. */
export interface Measurement {
  readonly task: Task;
  readonly runner: Runner;
  readonly batchSize: number;
  /** Threads it computed with, where the runner lets the benchmark set them (wasm, PyTorch). */
  readonly threads?: number;
  /** Untimed batches run first (training) or untimed images evaluated first (eval). */
  readonly warmup: number;
  /** Images per timed run. */
  readonly images: number;
  /** Images per second of every timed run, in the order they ran. */
  readonly imagesPerSecond: readonly number[];
  /**
   * cnnkit runs only: each run's rate divided by the rate of the PyTorch run right after it.
   * Neighbouring runs share the machine's load of the moment, so these pairs cancel the drift
   * that the medians of the two columns keep.
   */
  readonly pairedRatios?: readonly number[];
}

/** Whether a runner started, and how it computes (versions, threads) or why it did not. */
export type RunnerStatus =
  | { readonly runner: Runner; readonly ok: true; readonly detail: string }
  | { readonly runner: Runner; readonly ok: false; readonly reason: string };

/** The machine a benchmark ran on, for reading its numbers later. */
export interface MachineInfo {
  readonly date: string;
  readonly cpuModel: string;
  readonly cores: number;
  /** 1, 5 and 15 minute load averages when the run started: other jobs make numbers noisy. */
  readonly loadAverage: readonly number[];
  readonly platform: string;
  readonly node: string;
  readonly tfjsCore: string;
  readonly tfjsBackendWasm?: string;
  readonly tfjsNode?: string;
  /** The wasm backend's thread counts, in the order they were timed. */
  readonly wasmThreads?: readonly number[];
  readonly torch?: string;
  /** PyTorch's thread counts, in the order they were timed. */
  readonly torchThreads?: readonly number[];
}

/** The settings a benchmark ran with (after defaults were filled in). */
export interface BenchSettings {
  readonly command: string;
  readonly data: string;
  readonly trainImages: number;
  readonly testImages: number;
  readonly batchSizes: readonly number[];
  readonly repeats: number;
  readonly evalBatch: number;
  readonly evalRepeats: number;
  readonly seed: number;
}

/** Everything `--json` prints. */
export interface BenchResult {
  readonly machine: MachineInfo;
  readonly settings: BenchSettings;
  readonly runners: readonly RunnerStatus[];
  readonly measurements: readonly Measurement[];
  readonly rows: readonly ResultRow[];
}

/** One line of the result table: a measurement's summary and its ratio to PyTorch. */
export interface ResultRow {
  readonly task: Task;
  readonly runner: Runner;
  readonly batchSize: number;
  /** Threads it computed with; null where the runner chose them itself. */
  readonly threads: number | null;
  readonly images: number;
  readonly runs: number;
  readonly median: number;
  readonly min: number;
  readonly max: number;
  /**
   * Scaling efficiency: median / (threads × the median of the same runner, task and batch size
   * on 1 thread); 1 is perfect scaling. null on 1 thread or without a 1-thread row.
   */
  readonly scaling: number | null;
  /** median / PyTorch's median for the same task and batch size; null without PyTorch. */
  readonly ratioToPytorch: number | null;
  /** Median and range of the runs' paired ratios (see Measurement); null without pairs. */
  readonly pairedRatio: {
    readonly median: number;
    readonly min: number;
    readonly max: number;
  } | null;
}
