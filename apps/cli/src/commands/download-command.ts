import { downloadCifar10, findCachedCifar10 } from '@cnnkit/datasets/node';
import cliProgress from 'cli-progress';
import type { DownloadOptions } from '../cli-program.js';
import { abortOnSignals } from '../interrupt.js';
import { UserError } from '../user-errors.js';

/** `cnnkit download`: fetch, verify and extract the official archive into the cache. */
export async function downloadCommand(options: DownloadOptions): Promise<void> {
  if (!options.force) {
    const cached = await findCachedCifar10(options.cacheDir);
    if (cached) {
      process.stdout.write(`CIFAR-10 is already in the cache: ${cached}\n`);
      return;
    }
  }
  const tty = process.stderr.isTTY && !process.env.CI;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: 'CIFAR-10 |{bar}| {percentage}% | {value}/{total} MB | ETA {eta_formatted}',
    },
    cliProgress.Presets.shades_classic,
  );
  let lastLoggedPercent = -10;
  const interrupt = abortOnSignals(() =>
    process.stderr.write('\ncnnkit: stopping; the next download resumes where this one stopped\n'),
  );
  try {
    const dir = await downloadCifar10({
      cacheDir: options.cacheDir,
      ...(options.mirror ? { url: options.mirror } : {}),
      force: options.force,
      signal: interrupt.signal,
      onProgress: ({ bytes, total }) => {
        const mb = Math.round(bytes / 1e6);
        const totalMb = Math.round((total ?? 170_052_171) / 1e6);
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
    throw new UserError(`download failed: ${(error as Error).message}`);
  } finally {
    interrupt.release();
  }
}
