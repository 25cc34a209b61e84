import { stat } from 'node:fs/promises';
import { cifar10SamplePath } from '@cnnkit/cifar10-sample/node';
import type { ResizePolicy } from '@cnnkit/contracts';
import type { Cifar10Data, ImageFolderReport } from '@cnnkit/datasets';
import {
  checkCachedCifar10,
  detectDataFormat,
  downloadCifar10,
  openCifar10,
} from '@cnnkit/datasets/node';
import type { ImageFolderFlags } from './cli-program.js';
import { readImageFolderData } from './image-folder-data.js';
import { suggestedCommand } from './invocation.js';
import { UsageError, UserError } from './user-errors.js';

/** The data as loaded for a command, with a label saying where it came from. */
export interface LoadedData {
  /** Training and test (for image folders: validation) images. */
  readonly data: Cifar10Data;
  readonly source: string;
  readonly kind: 'cifar10' | 'image-folder';
  /** Image folders: what was found, skipped and how it was split. */
  readonly report?: ImageFolderReport;
  /** Image folders: how the images were decoded. */
  readonly image?: { readonly size: number; readonly resize: ResizePolicy };
}

export interface DataRequest {
  /** `--data`: a directory, an archive, 'sample', or undefined for the default chain. */
  readonly data?: string;
  readonly cacheDir?: string;
  /** How an image folder is read: the user's flags, refused for CIFAR-10. */
  readonly image?: ImageFolderFlags;
  /** Size and policy for an image folder when the flags do not say (the weights' own). */
  readonly imageDefaults?: Pick<ImageFolderFlags, 'imageSize' | 'resize'>;
  /** `evaluation`: an image folder's val/ folder, or all of it (see readImageFolder). */
  readonly use?: 'training' | 'evaluation';
  /** One-line notices (which data, fallbacks) for the user. */
  readonly notify: (line: string) => void;
  readonly onDownloadProgress?: (bytes: number, total: number | undefined) => void;
}

const IMAGE_FLAG_NAMES: Readonly<Record<keyof ImageFolderFlags, string>> = {
  imageSize: '--image-size',
  resize: '--resize',
  valSplit: '--val-split',
  strict: '--strict',
};

/** CIFAR-10 is already split and 32×32: image-folder flags have no meaning for it. */
function refuseImageFlags(request: DataRequest, what: string): void {
  const given = Object.entries(request.image ?? {})
    .filter(([, value]) => value !== undefined && value !== false)
    .map(([key]) => IMAGE_FLAG_NAMES[key as keyof ImageFolderFlags]);
  if (given.length > 0) {
    throw new UsageError(
      `${given.join(', ')} ${given.length === 1 ? 'applies' : 'apply'} to image folders; ${what} is CIFAR-10 (32×32, split into train and test already). Drop ${given.length === 1 ? 'it' : 'them'}, or pass --data <folder of class folders>.`,
    );
  }
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
 * Resolves `--data`: an image folder (or an archive of one), CIFAR-10 as a directory, an
 * archive or 'sample'; by default the cached full CIFAR-10, else a download into the cache,
 * else the embedded sample (saying so once).
 */
export async function loadData(request: DataRequest): Promise<LoadedData> {
  const cifar = async (path: string, source: string): Promise<LoadedData> => {
    refuseImageFlags(request, source === 'sample' ? 'the sample' : source);
    return { data: await open(path), source, kind: 'cifar10' };
  };
  if (request.data === 'sample') return cifar(cifar10SamplePath(), 'sample');
  if (request.data !== undefined) {
    let format: Awaited<ReturnType<typeof detectDataFormat>>;
    try {
      format = await detectDataFormat(request.data);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new UserError(
          `${request.data}: no such folder or file; give --data a folder of class folders (<dir>/<class>/<image>), an archive of one, CIFAR-10 (a directory or cifar-10-binary.tar.gz) or 'sample'.`,
        );
      }
      // The reader's own refusals (a FIFO, a device) already name the path.
      const message = (error as Error).message;
      throw new UserError(
        message.startsWith(`${request.data}: `)
          ? message
          : `${request.data}: cannot read (${message}).`,
      );
    }
    if (format === 'cifar10') return cifar(request.data, request.data);
    return readImageFolderData(request.data, {
      ...(request.imageDefaults ?? {}),
      ...Object.fromEntries(
        Object.entries(request.image ?? {}).filter(([, value]) => value !== undefined),
      ),
      use: request.use ?? 'training',
      ...(request.cacheDir === undefined ? {} : { cacheDir: request.cacheDir }),
      notify: request.notify,
    });
  }
  refuseImageFlags(request, 'the data used without --data');
  const cifarDefault = cifar;
  const cache = await checkCachedCifar10({ cacheDir: request.cacheDir });
  if (cache.dir !== null) {
    if (cache.problems.length > 0) {
      throw new UserError(
        `the cached CIFAR-10 in ${cache.dir} is damaged (${cache.problems.join('; ')}); \`${suggestedCommand('download', '--force')}\` downloads it again.`,
      );
    }
    return cifarDefault(cache.dir, cache.dir);
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
    return cifarDefault(dir, dir);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    request.notify(
      `could not download CIFAR-10 (${(error as Error).message.split('\n')[0]}); using the embedded sample (2,000 train / 500 test images). Pass --data <dir|archive> to use the full data.`,
    );
    return cifarDefault(cifar10SamplePath(), 'sample');
  }
}
