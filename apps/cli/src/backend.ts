import '@cnnkit/tfjs-gradients';
import * as tf from '@tensorflow/tfjs-core';
import { UserError } from './user-errors.js';

/** The TensorFlow.js backends the CLI knows, fastest first. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

/** The backend that is running, with a one-line description for logs and run summaries. */
export interface ActiveBackend {
  readonly name: BackendName;
  readonly detail: string;
}

/** Whether a backend starts and trains here (for `cnnkit info`). */
export interface BackendAvailability {
  readonly name: BackendName;
  readonly ok: boolean;
  /** One line for people: versions and threads when `ok`, otherwise `reason`. */
  readonly detail: string;
  /** Why it did not start or failed the training check; only when not `ok`. */
  readonly reason?: string;
  /** The backend package's version; only when `ok`. */
  readonly version?: string;
  /** Threads the backend computes with, when it says. */
  readonly threads?: number;
}

/** What a started backend reports about itself. */
interface BackendDescription {
  readonly version: string;
  readonly threads?: number;
  readonly detail: string;
}

/**
 * How to load one backend. `load` imports and registers it; `prepare` runs after
 * `tf.setBackend` succeeded; `describe` reports versions once it works.
 */
interface BackendCandidate {
  readonly name: BackendName;
  readonly hint: string;
  load(): Promise<void>;
  prepare?(): Promise<void>;
  describe(): BackendDescription;
}

// A variable, not a literal: @tensorflow/tfjs-node is an optional dependency whose install
// needs internet (it downloads libtensorflow), so neither tsc nor the bundler may require it.
const tfjsNodeModule: string = '@tensorflow/tfjs-node';
let tfjsNodeVersion = '';

const candidates: Record<BackendName, BackendCandidate> = {
  tensorflow: {
    name: 'tensorflow',
    hint:
      'Install it with `npm install @tensorflow/tfjs-node` (needs internet; if it is installed, ' +
      'run `npm rebuild @tensorflow/tfjs-node`), or pass --backend wasm.',
    async load() {
      // libtensorflow prints CPU-feature notices on stderr unless told otherwise.
      process.env.TF_CPP_MIN_LOG_LEVEL ??= '2';
      // Importing it registers the 'tensorflow' backend (libtensorflow through N-API).
      type VersionExport = { version?: Record<string, string> };
      const tfjsNode = (await import(tfjsNodeModule)) as VersionExport & {
        default?: VersionExport;
      };
      const versions = tfjsNode.version ?? tfjsNode.default?.version;
      tfjsNodeVersion = versions?.['tfjs-node'] ?? 'unknown version';
    },
    describe: () => ({
      version: tfjsNodeVersion,
      detail: `@tensorflow/tfjs-node ${tfjsNodeVersion} (libtensorflow)`,
    }),
  },
  wasm: {
    name: 'wasm',
    hint: 'Reinstall cnnkit so @tensorflow/tfjs-backend-wasm and @cnnkit/wasm-kernels match tfjs-core 4.22, or pass --backend cpu.',
    async load() {
      await import('@tensorflow/tfjs-backend-wasm');
    },
    async prepare() {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      wasmVersion = wasm.version_wasm;
      // Only answers once the backend is initialised; older builds lack it.
      wasmThreads = typeof wasm.getThreadsCount === 'function' ? wasm.getThreadsCount() : 1;
      const { registerWasmTrainingKernels } = await import('@cnnkit/wasm-kernels');
      registerWasmTrainingKernels();
      // Node 20 keeps relaxed SIMD behind a V8 flag; the kernels' fused multiply-add build is
      // much faster. Node >= 22 has it on already.
      const { enableRelaxedSimd } = await import('@cnnkit/wasm-kernels/node');
      wasmSimd = enableRelaxedSimd() === 'relaxed-simd' ? 'relaxed SIMD' : 'SIMD';
    },
    describe: () => ({
      version: wasmVersion,
      threads: wasmThreads,
      detail: `@tensorflow/tfjs-backend-wasm ${wasmVersion}, ${wasmSimd}, ${wasmThreads} thread${wasmThreads === 1 ? '' : 's'}`,
    }),
  },
  cpu: {
    name: 'cpu',
    hint: 'Reinstall cnnkit so @tensorflow/tfjs-backend-cpu matches tfjs-core 4.22.',
    async load() {
      await import('@tensorflow/tfjs-backend-cpu');
    },
    async prepare() {
      // MathBackendCPU.write prints "Hi, looks like you are running TensorFlow.js in Node.js…"
      // the first time it stores a tensor while `firstUse` is true. Clearing that one flag
      // silences only this advice (tf.enableProdMode() would also hide every other warning);
      // the user chose cpu on purpose, so it is noise.
      const backend = tf.backend() as unknown as { firstUse?: boolean };
      if (backend.firstUse === true) backend.firstUse = false;
    },
    describe: () => ({
      version: tf.version_core,
      detail: `@tensorflow/tfjs-backend-cpu ${tf.version_core} (plain JavaScript, slowest)`,
    }),
  },
};

let wasmVersion = '';
let wasmThreads = 1;
let wasmSimd = 'SIMD';

/** Tried in this order when no backend is requested; cpu only runs when asked for. */
const defaultOrder: readonly BackendName[] = ['tensorflow', 'wasm'];

type StartResult = ({ ok: true } & BackendDescription) | { ok: false; reason: string };

// One start attempt per backend per process: imports, wasm compilation and the check are slow,
// and a backend that failed once will fail again.
const started = new Map<BackendName, Promise<StartResult>>();

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // tfjs messages often end in '.', and the caller adds its own punctuation.
  return (message.trim().split('\n')[0]?.trim() || 'unknown error').replace(/\.+$/, '');
}

async function startBackend(candidate: BackendCandidate): Promise<StartResult> {
  try {
    await candidate.load();
    if (!(await tf.setBackend(candidate.name))) {
      return { ok: false, reason: `tf.setBackend('${candidate.name}') failed to initialise it` };
    }
    await candidate.prepare?.();
    checkBackendTrains();
    return { ok: true, ...candidate.describe() };
  } catch (error) {
    return { ok: false, reason: firstLine(error) };
  }
}

async function activate(name: BackendName): Promise<StartResult> {
  let attempt = started.get(name);
  if (attempt == null) {
    attempt = startBackend(candidates[name]);
    started.set(name, attempt);
  } else if ((await attempt).ok && tf.getBackend() !== name) {
    await tf.setBackend(name);
  }
  return attempt;
}

/**
 * Picks the TensorFlow.js backend: the requested one, or else the first of tensorflow
 * (@tensorflow/tfjs-node) and wasm that loads and passes a small training step. Writes one line
 * to `log` naming the backend and why faster ones were skipped.
 *
 * Throws a {@link UserError} when the requested backend does not start (no silent fallback)
 * or, without a request, one error listing every candidate's failure.
 *
 * @example
 * ```ts
 * const backend = await selectBackend({ log: (line) => process.stderr.write(`${line}\n`) });
 * // stderr: backend: wasm (tensorflow unavailable: Cannot find module '@tensorflow/tfjs-node')
 * console.log(backend.name, backend.detail);
 * ```
 */
export async function selectBackend(options: {
  requested?: BackendName;
  log: (line: string) => void;
}): Promise<ActiveBackend> {
  const { requested, log } = options;
  if (requested != null) {
    const candidate = candidates[requested];
    if (candidate == null) {
      throw new UserError(
        `Unknown backend '${String(requested)}'. Use one of: ${Object.keys(candidates).join(', ')}.`,
      );
    }
    const result = await activate(requested);
    if (!result.ok) {
      throw new UserError(
        `The '${requested}' backend you asked for did not start: ${result.reason}. ${candidate.hint}`,
      );
    }
    log(`backend: ${requested} (${result.detail})`);
    return { name: requested, detail: result.detail };
  }

  const failures: string[] = [];
  for (const name of defaultOrder) {
    const result = await activate(name);
    if (result.ok) {
      const skipped = failures.length > 0 ? ` (${failures.join('; ')})` : '';
      log(`backend: ${name}${skipped}`);
      return { name, detail: result.detail };
    }
    failures.push(`${name} unavailable: ${result.reason}`);
  }
  throw new UserError(
    `No TensorFlow.js backend could start:\n${failures.map((line) => `  ${line}`).join('\n')}\n` +
      'Reinstall cnnkit, or try --backend cpu.',
  );
}

/**
 * Tries every backend (tensorflow, wasm, cpu) and reports which start and train here, for
 * `cnnkit info`. Leaves the last one that started active.
 *
 * @example
 * ```ts
 * for (const backend of await availableBackends()) {
 *   console.log(`${backend.name}: ${backend.ok ? 'ok' : 'unavailable'} — ${backend.detail}`);
 * }
 * ```
 */
export async function availableBackends(): Promise<BackendAvailability[]> {
  const report: BackendAvailability[] = [];
  for (const name of Object.keys(candidates) as BackendName[]) {
    const result = await activate(name);
    if (result.ok) {
      const { version, threads, detail } = result;
      report.push({ name, ok: true, detail, version, ...(threads == null ? {} : { threads }) });
    } else {
      report.push({ name, ok: false, detail: result.reason, reason: result.reason });
    }
  }
  return report;
}

/** Loss and gradient sums of {@link checkBackendTrains}'s step, computed on the cpu backend. */
const expectedCheck = {
  loss: 0.7779036,
  gradientSums: { filter: 44.403992, weights: 3.7875671, bias: 0.21036181 },
};

/**
 * Kernels one SimpleCNN training step runs (the check's step plus Conv2DBackpropInput, which
 * only a second conv layer needs).
 */
const kernelsTrainingNeeds: readonly string[] = [
  tf.Abs,
  tf.Add,
  tf.BatchMatMul,
  tf.Cast,
  tf.Conv2D,
  tf.Conv2DBackpropFilter,
  tf.Conv2DBackpropInput,
  tf.Exp,
  tf.Identity,
  tf.Log,
  tf.Max,
  tf.MaxPool,
  tf.MaxPoolGrad,
  tf.Multiply,
  tf.Neg,
  tf.OneHot,
  tf.RealDiv,
  tf.Relu,
  tf.Reshape,
  tf.Step,
  tf.Sub,
  tf.Sum,
];

function fixedValues(size: number, phase: number): Float32Array {
  return Float32Array.from({ length: size }, (_, i) => Math.sin(i * 1.7 + phase));
}

/**
 * Runs one tiny forward and gradient step on the active backend (conv2d, maxPool, relu,
 * matMul, softmax cross-entropy, tf.variableGrads — what training SimpleCNN needs) and throws
 * when a kernel is missing or a result differs from the cpu backend's. The max pool sees
 * negative windows on purpose: tfjs-backend-wasm 4.22's own MaxPoolGrad gets those wrong.
 *
 * @example
 * ```ts
 * await tf.setBackend('cpu');
 * checkBackendTrains(); // throws on a backend that cannot train
 * ```
 */
export function checkBackendTrains(): void {
  // Checked up front because a kernel failing inside tf.variableGrads leaks the tensors the
  // tape saved, and because the list makes a clearer message than the first failure alone.
  const backendName = tf.getBackend();
  const missing = kernelsTrainingNeeds.filter((name) => tf.getKernel(name, backendName) == null);
  if (missing.length > 0) {
    throw new Error(`kernels missing for training: ${missing.join(', ')}`);
  }
  // Created inside tidy so the initial-value tensors are released; variables survive tidy.
  const [filter, weights, bias] = tf.tidy(
    (): [tf.Variable<tf.Rank.R4>, tf.Variable<tf.Rank.R2>, tf.Variable<tf.Rank.R1>] => [
      tf.variable(tf.tensor4d(fixedValues(3 * 3 * 3 * 4, 1), [3, 3, 3, 4])),
      tf.variable(tf.tensor2d(fixedValues(64 * 3, 2), [64, 3])),
      tf.variable(tf.tensor1d(fixedValues(3, 3))),
    ],
  );
  try {
    const measured = tf.tidy(() => {
      const images = tf.tensor4d(fixedValues(2 * 8 * 8 * 3, 0), [2, 8, 8, 3]);
      const labels = tf.cast(tf.oneHot(tf.tensor1d([0, 2], 'int32'), 3), 'float32');
      const { value, grads } = tf.variableGrads(() => {
        // The shift gives about half the pooling windows a negative maximum, and no relu
        // follows the pool, so those windows still pass a gradient back.
        const convolved = tf.sub<tf.Tensor4D>(tf.conv2d(images, filter, 1, 'same'), 0.7);
        const features = tf.maxPool(convolved, 2, 2, 'valid');
        const logits = tf.relu(tf.add(tf.matMul(tf.reshape(features, [2, 64]), weights), bias));
        return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
      }, [filter, weights, bias]);
      const sumOf = (variable: tf.Variable) => {
        const gradient = grads[variable.name];
        if (gradient == null) throw new Error(`no gradient for ${variable.name}`);
        return tf.sum(tf.abs(gradient)).dataSync()[0] as number;
      };
      return {
        loss: value.dataSync()[0] as number,
        gradientSums: { filter: sumOf(filter), weights: sumOf(weights), bias: sumOf(bias) },
      };
    });
    const wrong: string[] = [];
    const compare = (what: string, actual: number, expected: number) => {
      if (!(Math.abs(actual - expected) <= 1e-3 * Math.max(1, Math.abs(expected)))) {
        wrong.push(`${what} ${actual} (expected ${expected})`);
      }
    };
    compare('loss', measured.loss, expectedCheck.loss);
    for (const key of ['filter', 'weights', 'bias'] as const) {
      compare(`|d ${key}|`, measured.gradientSums[key], expectedCheck.gradientSums[key]);
    }
    if (wrong.length > 0) {
      throw new Error(`training check gave wrong numbers: ${wrong.join(', ')}`);
    }
  } finally {
    for (const variable of [filter, weights, bias]) variable.dispose();
  }
}
