import { stat } from 'node:fs/promises';
import { cifar10SamplePath } from '@cnnkit/cifar10-sample/node';
import type { Cifar10Data } from '@cnnkit/datasets';
import { checkCachedCifar10, downloadCifar10, openCifar10 } from '@cnnkit/datasets/node';
import { suggestedCommand } from './invocation.js';
import { UserError } from './user-errors.js';

/** CIFAR-10 as loaded for a command, with a label saying where it came from. */
export interface LoadedData {
  readonly data: Cifar10Data;
  readonly source: string;
}

export interface DataRequest {
  /** `--data`: a directory, an archive, 'sample', or undefined for the default chain. */
  readonly data?: string;
  readonly cacheDir?: string;
  /** One-line notices (which data, fallbacks) for the user. */
  readonly notify: (line: string) => void;
  readonly onDownloadProgress?: (bytes: number, total: number | undefined) => void;
}

async function open(pathOrDir: string): Promise<Cifar10Data> {
  try {
    await stat(pathOrDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UserError(
        `no CIFAR-10 data at ${pathOrDir}: give --data an extracted cifar-10-batches-bin directory, a cifar-10-binary.tar.gz file or 'sample'; \`${suggestedCommand('download')}\` fetches the full data set.`,
      );
    }
  }
  try {
    return await openCifar10(pathOrDir);
  } catch (error) {
    throw new UserError((error as Error).message);
  }
}

/**
 * Resolves `--data`: an explicit directory, archive or 'sample'; by default the cached full
 * data set, else a download into the cache, else the embedded sample (saying so once).
 */
export async function loadData(request: DataRequest): Promise<LoadedData> {
  if (request.data === 'sample') {
    return { data: await open(cifar10SamplePath()), source: 'sample' };
  }
  if (request.data !== undefined) {
    return { data: await open(request.data), source: request.data };
  }
  const cache = await checkCachedCifar10({ cacheDir: request.cacheDir });
  if (cache.dir !== null) {
    if (cache.problems.length > 0) {
      throw new UserError(
        `the cached CIFAR-10 in ${cache.dir} is damaged (${cache.problems.join('; ')}); \`${suggestedCommand('download', '--force')}\` downloads it again.`,
      );
    }
    return { data: await open(cache.dir), source: cache.dir };
  }
  try {
    request.notify('downloading CIFAR-10 (170 MB) into the cache; `--data sample` skips this');
    const dir = await downloadCifar10({
      cacheDir: request.cacheDir,
      retries: 2,
      onProgress: request.onDownloadProgress
        ? ({ bytes, total }) => request.onDownloadProgress?.(bytes, total)
        : undefined,
      onRetry: ({ attempt, attempts, delayMs, reason }) =>
        request.notify(
          `download attempt ${attempt} of ${attempts} failed (${reason}); trying again in ${delayMs / 1000} s`,
        ),
      onWait: ({ pid }) =>
        request.notify(`another cnnkit (process ${pid}) is downloading CIFAR-10; waiting for it`),
    });
    return { data: await open(dir), source: dir };
  } catch (error) {
    request.notify(
      `could not download CIFAR-10 (${(error as Error).message.split('\n')[0]}); using the embedded sample (2,000 train / 500 test images). Pass --data <dir|archive> to use the full data.`,
    );
    return { data: await open(cifar10SamplePath()), source: 'sample' };
  }
}
