import {
  type ImageFolderData,
  type ImageFolderProgress,
  imageFolderFromArchiveStream,
  imageFolderFromFiles,
} from '@cnnkit/datasets';
import type { DataSummary, ImageFolderSummary, PickedImages } from '../protocol.js';
import { adoptData } from './data-loading.js';
import type { WorkerSession } from './worker-session.js';

/** Training images per class the page shows as thumbnails. */
const THUMBNAILS_PER_CLASS = 4;
/** Skipped files named on the page; the count covers the rest. */
const SKIPPED_NAMED = 20;

/**
 * Reads the visitor's own images (a picked folder's files or a `.zip` / `.tar(.gz)`) with
 * datasets' browser readers — decoded here in the worker by createImageBitmap and
 * OffscreenCanvas, squashed to the page's 32×32 as "classify your own image" does — and makes
 * them the session's data, reporting progress.
 */
export async function loadImageFolder(
  session: WorkerSession,
  images: PickedImages,
): Promise<DataSummary> {
  session.requireIdle('loading other data');
  const name = images.kind === 'files' ? images.name : images.file.name;
  let bytesFraction = 0;
  const onProgress = (progress: ImageFolderProgress) => {
    if (progress.phase === 'indexing') {
      session.post({
        type: 'data-progress',
        phase: `listing ${progress.files.toLocaleString('en-US')} files`,
        fraction: bytesFraction,
      });
      return;
    }
    const of = progress.total === undefined ? '' : ` of ${progress.total.toLocaleString('en-US')}`;
    session.post({
      type: 'data-progress',
      phase: `decoding image ${progress.done.toLocaleString('en-US')}${of}`,
      fraction: progress.total ? progress.done / progress.total : bytesFraction,
    });
  };
  const options = { imageSize: 32, resize: 'squash', onProgress } as const;
  let data: ImageFolderData;
  if (images.kind === 'files') {
    data = await imageFolderFromFiles(images.files, name, options);
  } else {
    const { file } = images;
    if (file.size === 0)
      throw new Error(
        `${file.name}: the file is empty; choose a .zip or .tar.gz of class folders.`,
      );
    // A streamed archive's image count is unknown until its end: progress is the bytes read.
    const counted = file.stream().pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          bytesFraction += chunk.length / file.size;
          controller.enqueue(chunk);
        },
      }),
    );
    data = await imageFolderFromArchiveStream(counted, name, options);
  }
  return session.exclusive(() => adoptData(session, name, data, folderSummary(data)));
}

/** The report and a few thumbnails per class, small enough to post to the page. */
export function folderSummary(data: ImageFolderData): ImageFolderSummary {
  const { report, train } = data;
  const imageBytes = train.height * train.width * train.channels;
  const perClass = data.classNames.map(() => 0);
  const thumbnails: { label: number; pixels: Uint8Array }[] = [];
  for (let i = 0; i < train.count; i++) {
    const label = train.labels[i] as number;
    if ((perClass[label] as number) >= THUMBNAILS_PER_CLASS) continue;
    perClass[label] = (perClass[label] as number) + 1;
    thumbnails.push({ label, pixels: train.images.slice(i * imageBytes, (i + 1) * imageBytes) });
  }
  return {
    report: {
      root: report.root,
      split: report.split,
      classes: report.classes,
      skipped: report.skipped.slice(0, SKIPPED_NAMED),
      skippedCount: report.skipped.length,
      hiddenFiles: report.hiddenFiles,
      notices: report.notices,
    },
    thumbnails,
  };
}
