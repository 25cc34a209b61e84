import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseReply, type ReferenceInfo, readInfo, readTimedRun } from './pytorch-reply.js';
import type { TimedRun } from './types.js';

// dist/bin.js and src/*.ts are both two levels below the repo root's apps/bench.
const script = fileURLToPath(
  new URL('../../../scripts/pytorch/bench_reference.py', import.meta.url),
);

/** Whether `python` can import torch: its version, or why not and what to do. */
export type TorchProbe =
  | { readonly ok: true; readonly version: string }
  | { readonly ok: false; readonly reason: string };

/** Asks `python` for torch's version without starting the reference. */
export function probeTorch(python: string): TorchProbe {
  const result = spawnSync(python, ['-c', 'import torch; print(torch.__version__)'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  if (result.error) {
    return { ok: false, reason: `cannot run ${python} (${result.error.message}); pass --python` };
  }
  if (result.status !== 0) {
    const lastLine = result.stderr.trim().split('\n').pop() ?? `exit code ${result.status}`;
    return {
      ok: false,
      reason: `${python} cannot import torch (${lastLine}); install it with \`apt-get install -y python3-torch\``,
    };
  }
  return { ok: true, version: result.stdout.trim() };
}

/**
 * The PyTorch side of the benchmark: `scripts/pytorch/bench_reference.py --serve` in a child
 * process, kept running so that cnnkit and PyTorch runs can alternate without paying for
 * Python's start-up and data loading each time.
 */
export class PytorchReference {
  private readonly waiting: {
    resolve: (line: string) => void;
    reject: (error: Error) => void;
  }[] = [];
  private stderr = '';
  private failure: Error | undefined;
  private started: ReferenceInfo | undefined;

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) =>
      this.waiting.shift()?.resolve(line),
    );
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    child.on('error', (error) => this.fail(`could not start (${error.message})`));
    // 'close' rather than 'exit': it comes after the last stdout line has been delivered.
    child.on('close', (code, signal) => this.fail(`exited (${signal ?? `code ${code}`})`));
  }

  /** Starts the reference on `data` (an archive or directory) and waits until it has read it. */
  static async start(options: {
    python: string;
    data: string;
    threads: number;
    seed: number;
  }): Promise<PytorchReference> {
    const reference = new PytorchReference(
      // -B: importing simple_cnn must not leave __pycache__ in the repo.
      spawn(options.python, [
        '-B',
        script,
        '--serve',
        '--data',
        options.data,
        '--threads',
        String(options.threads),
        '--seed',
        String(options.seed),
      ]),
    );
    try {
      reference.started = readInfo(parseReply(await reference.nextLine()));
    } catch (error) {
      reference.child.kill();
      throw error;
    }
    return reference;
  }

  /** torch's version, threads and the data sizes it read. */
  get info(): ReferenceInfo {
    if (!this.started) throw new Error('PytorchReference.info before start() finished.');
    return this.started;
  }

  private fail(why: string): void {
    if (this.failure) return;
    const tail = this.stderr.trim().split('\n').slice(-3).join(' | ');
    this.failure = new Error(`The PyTorch reference ${why}${tail ? `: ${tail}` : ''}`);
    for (const waiter of this.waiting.splice(0)) waiter.reject(this.failure);
  }

  private nextLine(): Promise<string> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  private async request(body: Record<string, unknown>): Promise<Readonly<Record<string, unknown>>> {
    const line = this.nextLine();
    this.child.stdin.write(`${JSON.stringify(body)}\n`);
    return parseReply(await line);
  }

  /** Sets torch's threads for the runs that follow (torch.set_num_threads); resolves with them. */
  async setThreads(threads: number): Promise<number> {
    if (this.started?.threads === threads) return threads;
    const info = readInfo(await this.request({ op: 'threads', threads }));
    this.started = info;
    return info.threads;
  }

  /** A new Net and SGD optimizer for `batchSize`, trained `warmup` untimed batches. */
  async trainSetup(batchSize: number, warmup: number): Promise<void> {
    await this.request({ op: 'train-setup', batchSize, warmup });
  }

  /** Times `batches` more training batches of the run set up for `batchSize`. */
  async train(batchSize: number, batches: number): Promise<TimedRun> {
    return readTimedRun(await this.request({ op: 'train', batchSize, batches }));
  }

  /** Times an evaluation of the first `images` test images. */
  async evaluate(batchSize: number, images: number): Promise<TimedRun> {
    return readTimedRun(await this.request({ op: 'eval', batchSize, limit: images }));
  }

  /** Ends the child process (closing its stdin ends its request loop) and waits for it. */
  async close(): Promise<void> {
    if (this.failure) return;
    const closed = new Promise<void>((resolve) => this.child.once('close', () => resolve()));
    this.child.stdin.end();
    await closed;
  }
}
