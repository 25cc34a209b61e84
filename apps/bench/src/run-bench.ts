import { resolve } from 'node:path';
import { cifar10SamplePath } from '@cnnkit/cifar10-sample/node';
import type { Cifar10Data } from '@cnnkit/datasets';
import { openCifar10 } from '@cnnkit/datasets/node';
import { SimpleCNN } from '@cnnkit/models';
import { setWasmTrainingThreads } from '@cnnkit/wasm-kernels/node';
import { evalImageCount, stepCounts } from './bench-counts.js';
import { type BenchOptions, torchThreadsAt } from './bench-options.js';
import { CnnkitTrainingRun, timeCnnkitEvaluation } from './cnnkit-runs.js';
import { baseMachineInfo } from './machine-info.js';
import { resultRows } from './merge-results.js';
import { PytorchReference, probeTorch } from './pytorch-reference.js';
import { formatRate } from './result-table.js';
import { startBackend } from './tfjs-backends.js';
import type {
  BackendName,
  BenchResult,
  MachineInfo,
  Measurement,
  RunnerStatus,
  TimedRun,
} from './types.js';

/** Where progress lines go (stderr in the command), and the command line for the record. */
export interface BenchIo {
  readonly log: (line: string) => void;
  readonly command: string;
}

const rate = (run: TimedRun) => run.images / run.seconds;

async function loadData(data: string): Promise<{ path: string; data: Cifar10Data }> {
  const path = data === 'sample' ? cifar10SamplePath() : resolve(data);
  try {
    return { path, data: await openCifar10(path) };
  } catch (error) {
    throw new Error(
      `${(error as Error).message} For a quick run on the embedded sample pass --data sample.`,
    );
  }
}

async function startPytorch(
  options: BenchOptions,
  dataPath: string,
  data: Cifar10Data,
): Promise<{ status: RunnerStatus; reference?: PytorchReference }> {
  if (!options.pytorch) {
    return { status: { runner: 'pytorch', ok: false, reason: 'skipped (--no-pytorch)' } };
  }
  const probe = probeTorch(options.python);
  if (!probe.ok) return { status: { runner: 'pytorch', ok: false, reason: probe.reason } };
  const reference = await PytorchReference.start({
    python: options.python,
    data: dataPath,
    threads: torchThreadsAt(options.torchThreads, options.batchSizes[0] ?? options.evalBatch),
    seed: options.seed,
  });
  const { info } = reference;
  if (info.trainImages !== data.train.count || info.testImages !== data.test.count) {
    await reference.close();
    throw new Error(
      `PyTorch read ${info.trainImages} training and ${info.testImages} test images from ${dataPath}, cnnkit ${data.train.count} and ${data.test.count}; the two readers disagree, so the runs would not see the same data.`,
    );
  }
  return {
    reference,
    status: {
      runner: 'pytorch',
      ok: true,
      detail: `torch ${info.torch}, ${info.threads} thread${info.threads === 1 ? '' : 's'} (${options.python})`,
    },
  };
}

/**
 * Runs the benchmark: for each requested tfjs backend that loads, each batch size and (wasm)
 * each of `--threads` (the thread counts taking turns run by run), a SimpleCNN is warmed up
 * and then timed `repeats` times, each cnnkit run followed by a
 * PyTorch run of the same batches (A B A B…), so that load from other jobs hits both alike;
 * then the test-set evaluation the same way. PyTorch runs in one child process throughout.
 */
export async function runBench(options: BenchOptions, io: BenchIo): Promise<BenchResult> {
  const { log } = io;
  let machine: MachineInfo = baseMachineInfo();
  const { path: dataPath, data } = await loadData(options.data);
  log(
    `data: ${options.data === 'sample' ? 'sample' : dataPath} (${data.train.count} train, ${data.test.count} test images)`,
  );
  const torch = await startPytorch(options, dataPath, data);
  const { reference } = torch;
  log(`pytorch: ${torch.status.ok ? torch.status.detail : `skipped — ${torch.status.reason}`}`);
  if (reference) machine = { ...machine, torch: reference.info.torch };
  const runners: RunnerStatus[] = [];
  const measurements: Measurement[] = [];
  const pytorchTrainReady = new Set<number>();
  let pytorchEvalWarm = false;

  const torchThreadsUsed: number[] = [];
  /** Sets PyTorch's threads for `batchSize`; the threads, for the measurement. */
  const torchThreadsFor = async (batchSize: number): Promise<number | undefined> => {
    if (!reference) return undefined;
    const threads = await reference.setThreads(torchThreadsAt(options.torchThreads, batchSize));
    if (!torchThreadsUsed.includes(threads)) torchThreadsUsed.push(threads);
    return threads;
  };

  try {
    for (const name of options.backends) {
      const backend = await startBackend(name, options.threads);
      if (!backend.ok) {
        runners.push({ runner: name, ok: false, reason: backend.reason });
        log(`${name}: skipped — ${backend.reason}`);
        continue;
      }
      // Said with the runner, so the tables show how the threads trained.
      const detail =
        options.replicas && name === 'wasm'
          ? `${backend.detail}; training on one model replica per thread (--replicas)`
          : backend.detail;
      runners.push({ runner: name, ok: true, detail });
      log(`${name}: ${detail}`);
      const threadCounts = await timedThreadCounts(name, backend.threads, options.threads, log);
      machine = withBackendVersion(machine, name, backend.version, threadCounts);

      for (const batchSize of options.batchSizes) {
        const counts = stepCounts(name, batchSize, options);
        const torchCounts = stepCounts('pytorch', batchSize, options);
        // One model per thread count, timed in turns (1, 2, 1, 2…) so that the machine's drift
        // hits every thread count alike and the scaling column compares like with like.
        const timed = [];
        for (const threads of threadCounts) {
          // --replicas: one SimpleCNN replica per thread, each on its shard of every batch,
          // instead of one model whose kernels split over the threads.
          const replicas = options.replicas && threads !== undefined && threads > 1 ? threads : 1;
          timed.push({
            kernelThreads: replicas > 1 ? 1 : threads,
            threads,
            label: labelOf(name, threads),
            design: replicas > 1 ? `${replicas} model replicas` : 'one model',
            run: await CnnkitTrainingRun.start(data.train, batchSize, options.seed, replicas),
            cnnkitRates: [] as number[],
            torchRates: [] as number[],
          });
        }
        try {
          for (const { kernelThreads, label, design, run } of timed) {
            if (kernelThreads !== undefined) await setWasmTrainingThreads(kernelThreads);
            log(`train ${label} batch ${batchSize} (${design}): ${counts.warmup} warm-up batches`);
            if (counts.warmup > 0) await run.run(counts.warmup);
          }
          const torchThreads = await torchThreadsFor(batchSize);
          if (reference && !pytorchTrainReady.has(batchSize)) {
            await reference.trainSetup(batchSize, torchCounts.warmup);
            pytorchTrainReady.add(batchSize);
          }
          for (let repeat = 1; repeat <= options.repeats; repeat++) {
            for (const { kernelThreads, label, run, cnnkitRates, torchRates } of timed) {
              if (kernelThreads !== undefined) await setWasmTrainingThreads(kernelThreads);
              cnnkitRates.push(rate(await run.run(counts.batches)));
              if (reference)
                torchRates.push(rate(await reference.train(batchSize, torchCounts.batches)));
              log(
                `train ${label} batch ${batchSize} run ${repeat}/${options.repeats}: ${formatRate(cnnkitRates.at(-1) as number)} img/s` +
                  (reference ? ` | pytorch ${formatRate(torchRates.at(-1) as number)} img/s` : ''),
              );
            }
          }
          for (const { threads, cnnkitRates, torchRates } of timed) {
            measurements.push({
              task: 'train',
              runner: name,
              batchSize,
              ...(threads === undefined ? {} : { threads }),
              warmup: counts.warmup,
              images: counts.batches * batchSize,
              imagesPerSecond: cnnkitRates,
              ...pairedRatios(cnnkitRates, torchRates),
            });
            if (reference) {
              measurements.push({
                task: 'train',
                runner: 'pytorch',
                batchSize,
                ...(torchThreads === undefined ? {} : { threads: torchThreads }),
                warmup: torchCounts.warmup,
                images: torchCounts.batches * batchSize,
                imagesPerSecond: torchRates,
              });
            }
          }
        } finally {
          for (const { run } of timed) await run.close();
        }
      }

      const images = evalImageCount(name, data.test.count, options);
      const torchImages = evalImageCount('pytorch', data.test.count, options);
      const warmupImages = Math.min(options.evalBatch, images);
      const model = SimpleCNN.create({ seed: options.seed });
      try {
        const timed = threadCounts.map((threads) => ({
          threads,
          label: labelOf(name, threads),
          cnnkitRates: [] as number[],
          torchRates: [] as number[],
        }));
        for (const { threads, label } of timed) {
          if (threads !== undefined) await setWasmTrainingThreads(threads);
          log(`eval ${label}: ${images} test images in batches of ${options.evalBatch}`);
          await timeCnnkitEvaluation(model, data.test, options.evalBatch, warmupImages);
        }
        const torchThreads = await torchThreadsFor(options.evalBatch);
        if (reference && !pytorchEvalWarm) {
          await reference.evaluate(options.evalBatch, Math.min(options.evalBatch, torchImages));
          pytorchEvalWarm = true;
        }
        for (let repeat = 1; repeat <= options.evalRepeats; repeat++) {
          for (const { threads, label, cnnkitRates, torchRates } of timed) {
            if (threads !== undefined) await setWasmTrainingThreads(threads);
            cnnkitRates.push(
              rate(await timeCnnkitEvaluation(model, data.test, options.evalBatch, images)),
            );
            if (reference)
              torchRates.push(rate(await reference.evaluate(options.evalBatch, torchImages)));
            log(
              `eval ${label} run ${repeat}/${options.evalRepeats}: ${formatRate(cnnkitRates.at(-1) as number)} img/s` +
                (reference ? ` | pytorch ${formatRate(torchRates.at(-1) as number)} img/s` : ''),
            );
          }
        }
        for (const { threads, cnnkitRates, torchRates } of timed) {
          measurements.push({
            task: 'eval',
            runner: name,
            batchSize: options.evalBatch,
            ...(threads === undefined ? {} : { threads }),
            warmup: warmupImages,
            images,
            imagesPerSecond: cnnkitRates,
            ...pairedRatios(cnnkitRates, torchRates),
          });
          if (reference) {
            measurements.push({
              task: 'eval',
              runner: 'pytorch',
              batchSize: options.evalBatch,
              ...(torchThreads === undefined ? {} : { threads: torchThreads }),
              warmup: Math.min(options.evalBatch, torchImages),
              images: torchImages,
              imagesPerSecond: torchRates,
            });
          }
        }
      } finally {
        model.dispose();
      }
    }
  } finally {
    await reference?.close();
  }
  if (torchThreadsUsed.length > 0) machine = { ...machine, torchThreads: torchThreadsUsed };

  if (!runners.some((runner) => runner.ok)) {
    throw new Error(
      `No tfjs backend of ${options.backends.join(', ')} started:\n${runners
        .map((runner) => `  ${runner.runner}: ${runner.ok ? '' : runner.reason}`)
        .join('\n')}\nTry --backends wasm.`,
    );
  }
  return {
    machine,
    settings: {
      command: io.command,
      data: options.data === 'sample' ? 'sample' : dataPath,
      trainImages: data.train.count,
      testImages: data.test.count,
      batchSizes: options.batchSizes,
      repeats: options.repeats,
      evalBatch: options.evalBatch,
      evalRepeats: options.evalRepeats,
      seed: options.seed,
    },
    runners: [...runners, torch.status],
    measurements,
    rows: resultRows(measurements),
  };
}

/** Each cnnkit run's rate over the PyTorch run right after it; nothing without PyTorch. */
function pairedRatios(
  cnnkitRates: readonly number[],
  torchRates: readonly number[],
): { pairedRatios?: number[] } {
  if (torchRates.length !== cnnkitRates.length) return {};
  return { pairedRatios: cnnkitRates.map((rate, i) => rate / (torchRates[i] as number)) };
}

/**
 * The thread counts to time `name` at: for wasm, each of `requested` it can run (all of them
 * where threads run; 1 where they cannot, said once), else the threads it started with; other
 * backends choose their own threads (undefined).
 */
async function timedThreadCounts(
  name: BackendName,
  started: number | undefined,
  requested: readonly number[] | undefined,
  log: (line: string) => void,
): Promise<(number | undefined)[]> {
  if (name !== 'wasm') return [undefined];
  if (requested === undefined) return [started ?? 1];
  const counts: number[] = [];
  for (const threads of requested) {
    const running = await setWasmTrainingThreads(threads);
    if (running !== threads) {
      log(`wasm: ${plural(threads, 'thread')} cannot run here, timed on ${running} instead`);
    }
    if (!counts.includes(running)) counts.push(running);
  }
  return counts;
}

/** `wasm 2 threads`, or the backend's name where it chooses its own threads. */
function labelOf(name: BackendName, threads: number | undefined): string {
  return threads === undefined ? name : `${name} ${plural(threads, 'thread')}`;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

function withBackendVersion(
  machine: MachineInfo,
  name: BackendName,
  version: string,
  threads: readonly (number | undefined)[],
): MachineInfo {
  if (name === 'wasm') {
    const counts = threads.filter((count) => count !== undefined);
    return { ...machine, tfjsBackendWasm: version, wasmThreads: counts };
  }
  if (name === 'tensorflow') return { ...machine, tfjsNode: version };
  return machine;
}
