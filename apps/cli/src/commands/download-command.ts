import { CIFAR10_ARCHIVE_BYTES, checkCachedCifar10, downloadCifar10 } from '@cnnkit/datasets/node';
import cliProgress from 'cli-progress';
import type { DownloadOptions } from '../cli-program.js';
import { abortOnSignals } from '../interrupt.js';
import { suggestedCommand } from '../invocation.js';
import { exitCodes, UserError } from '../user-errors.js';

/** `cnnkit download`: fetch, verify and extract the official archive into the cache. */
export async function downloadCommand(options: DownloadOptions): Promise<void> {
  if (!options.force && (await reportCachedCopy(options))) return;
  const tty = process.stderr.isTTY && !process.env.CI;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: 'CIFAR-10 |{bar}| {percentage}% | {value}/{total} MB | ETA {eta_formatted}',
    },
    cliProgress.Presets.shades_classic,
  );
  // A notice must not be drawn over by the bar: stop it first; the next progress restarts it.
  const notify = (line: string) => {
    if (bar.isActive) bar.stop();
    process.stderr.write(`cnnkit: ${line}\n`);
  };
  let lastLoggedPercent = -10;
  const interrupt = abortOnSignals(() =>
    process.stderr.write('\ncnnkit: stopping; the next download resumes where this one stopped\n'),
  );
  try {
    const dir = await downloadCifar10({
      cacheDir: options.cacheDir,
      ...(options.mirror ? { url: options.mirror } : {}),
      ...(options.md5 !== undefined ? { md5: options.md5 } : {}),
      ...(options.size !== undefined ? { size: options.size } : {}),
      force: options.force,
      connectTimeoutMs: options.connectTimeout * 1000,
      idleTimeoutMs: options.idleTimeout * 1000,
      deadlineMs: options.deadline * 1000,
      signal: interrupt.signal,
      onRetry: ({ attempt, attempts, delayMs, reason }) =>
        notify(
          `attempt ${attempt} of ${attempts} failed (${reason}); trying again in ${delayMs / 1000} s`,
        ),
      onWait: ({ pid, hostname }) =>
        notify(
          `another download into this cache is running (process ${pid} on ${hostname}); waiting for it to finish`,
        ),
      onProgress: ({ bytes, total }) => {
        const mb = Math.round(bytes / 1e6);
        const totalMb = Math.round((total ?? options.size ?? CIFAR10_ARCHIVE_BYTES) / 1e6);
        if (tty) {
          if (!bar.isActive) bar.start(totalMb, mb);
          else bar.update(mb);
        } else {
          const percent = Math.floor((100 * mb) / totalMb);
          if (percent >= lastLoggedPercent + 10) {
            lastLoggedPercent = percent;
            process.stderr.write(`downloading CIFAR-10: ${mb}/${totalMb} MB\n`);
          }
        }
      },
    });
    if (bar.isActive) bar.stop();
    process.stdout.write(`CIFAR-10 is ready: ${dir}\n`);
  } catch (error) {
    if (bar.isActive) bar.stop();
    if (interrupt.signal.aborted) {
      process.exitCode = exitCodes.interrupted;
      return;
    }
    throw new UserError(`download failed: ${(error as Error).message}`);
  } finally {
    interrupt.release();
  }
}

/**
 * When the cache is complete, checks it (file sizes; MD5s with --verify), says so and returns
 * true; a damaged cache is an error that says how to download it again.
 */
async function reportCachedCopy(options: DownloadOptions): Promise<boolean> {
  const check = await checkCachedCifar10({ cacheDir: options.cacheDir, md5: options.verify });
  if (check.dir === null) return false;
  if (check.problems.length > 0) {
    throw new UserError(
      `the cached CIFAR-10 in ${check.dir} is damaged (${check.problems.join('; ')}); \`${suggestedCommand('download', '--force')}\` downloads it again.`,
    );
  }
  const checked = check.checkedMd5
    ? 'file sizes and MD5s checked'
    : options.verify
      ? `file sizes checked; it records no MD5s (an older cnnkit made it), \`${suggestedCommand('download', '--force')}\` downloads it again with them`
      : 'file sizes checked; --verify also checks MD5s';
  process.stdout.write(`CIFAR-10 is already in the cache: ${check.dir} (${checked})\n`);
  return true;
}
