import type { ImageFolderFlags } from './cli-program.js';
import type { LoadedData } from './data-source.js';
import { imageFolderProgress } from './image-folder-progress.js';
import { describeSkipped } from './image-folder-report.js';
import { UserError } from './user-errors.js';

/** The CLI's defaults for image folders (the README's `--image-size`, `--resize`). */
export const IMAGE_FOLDER_DEFAULTS = { imageSize: 32, resize: 'shorter-side' } as const;

/**
 * Reads an image folder for a command: decoded images cached under `--cache-dir`, progress
 * on stderr, skipped files and notices as one line each, problems as a `UserError`.
 */
export async function readImageFolderData(
  path: string,
  options: ImageFolderFlags & {
    readonly use: 'training' | 'evaluation';
    readonly cacheDir?: string;
    readonly notify: (line: string) => void;
  },
): Promise<LoadedData> {
  const { readImageFolder } = await import('@cnnkit/datasets/node');
  const imageSize = options.imageSize ?? IMAGE_FOLDER_DEFAULTS.imageSize;
  const resize = options.resize ?? IMAGE_FOLDER_DEFAULTS.resize;
  const progress = imageFolderProgress(path);
  let data: Awaited<ReturnType<typeof readImageFolder>>;
  try {
    data = await readImageFolder(path, {
      imageSize,
      resize,
      use: options.use,
      ...(options.valSplit === undefined ? {} : { valSplit: options.valSplit }),
      ...(options.strict ? { strict: true } : {}),
      ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
      onProgress: progress.onProgress,
    });
  } catch (error) {
    throw new UserError((error as Error).message);
  } finally {
    progress.stop();
  }
  const skipped = describeSkipped(data.report, path);
  if (skipped) options.notify(skipped);
  for (const notice of data.report.notices) options.notify(notice);
  return {
    data: { train: data.train, test: data.test },
    source: path,
    kind: 'image-folder',
    report: data.report,
    image: { size: imageSize, resize },
  };
}
