import { formatCount } from '../format-count.js';
import type { ImageDataset } from '../types.js';
import { compareCodePoints } from './compare-code-points.js';
import { isIgnoredPath } from './ignored-paths.js';
import {
  DEFAULT_MAX_PIXELS,
  MAX_DECODED_BYTES,
  MAX_FOLDER_FILES,
  MAX_IMAGE_FILE_BYTES,
} from './image-folder-limits.js';
import type {
  DecodedImageCache,
  DecodeTarget,
  ImageDecoder,
  ImageFolderData,
  ImageFolderEntry,
  ImageFolderOptions,
  ImageFolderSplit,
  SkippedFile,
} from './image-folder-types.js';
import { type ImageFolderPlan, type PlannedFile, planImageFolder } from './plan-image-folder.js';
import { heldOutPositions } from './stratified-split.js';
import { TaskPool } from './task-pool.js';

/** Where an image folder's files come from. */
export interface ImageFolderSource {
  /** Quoted in messages: the folder or archive as the user named it. */
  readonly name: string;
  readonly entries: AsyncIterable<ImageFolderEntry> | Iterable<ImageFolderEntry>;
  /**
   * Folders seen, called once the entries are consumed: a class folder without files is
   * only visible this way.
   */
  readonly dirs?: () => readonly string[];
  /**
   * True when `entries` is a listing whose files are read on demand (a directory, picked
   * files): the folder is planned first and only the images it needs are read. False for a
   * stream (an archive), where every image is decoded as it arrives.
   */
  readonly listed: boolean;
}

/** What decodes, caches and hashes images for {@link loadImageFolder}. */
export interface ImageFolderTools {
  readonly decoder: ImageDecoder;
  readonly cache?: DecodedImageCache;
  /** Hex SHA-256 (or another strong hash) of a file's bytes, for cache keys. */
  readonly contentHash: (bytes: Uint8Array) => Promise<string> | string;
  /** Images decoded at the same time when the options do not say (the platform's cores). */
  readonly defaultConcurrency: number;
}

interface Candidate {
  readonly path: string;
  readonly planned: PlannedFile;
}

const firstLine = (error: unknown) =>
  (error instanceof Error ? error.message : String(error)).split('\n')[0] as string;

function emptyDataset(size: number, classNames: readonly string[]): ImageDataset {
  return {
    images: new Uint8Array(0),
    labels: new Uint8Array(0),
    count: 0,
    height: size,
    width: size,
    channels: 3,
    classNames,
  };
}

/**
 * Reads an image folder from any source — a directory, files picked in a browser, an archive
 * streaming in — with any decoder: the platform entries (`readImageFolder` in
 * `@cnnkit/datasets/node`, `imageFolderFromFiles` / `imageFolderFromArchiveStream` here) call it.
 * See {@link ImageFolderOptions} for the split, the size and the policy; every image is
 * decoded once (or taken from `tools.cache`) and kept as bytes.
 *
 * Files that cannot be used are skipped and listed in the report with the reason, unless
 * `strict`; a class without training images, no class folders or a single class (when
 * training) is an error naming the folder.
 *
 * @example
 * ```ts
 * // A source of your own: files listed up front and read on demand.
 * const entries = ['cat/1.png', 'cat/2.png', 'dog/1.png', 'dog/2.png', 'dog/notes.txt'].map((path) => ({
 *   path,
 *   read: async () => new Uint8Array(readFileSync(`photos/${path.replace('notes.txt', '3.png')}`)),
 * }));
 * const tools = { decoder: await sharpImageDecoder(), contentHash: (b) => createHash('sha256').update(b).digest('hex'), defaultConcurrency: 2 };
 * const data = await loadImageFolder({ name: 'mine', entries, listed: true }, tools, { imageSize: 16, valSplit: 0.5 });
 * data.train.height; // 16
 * data.report.classes.map((c) => c.train + c.val).join(' '); // '2 3'
 * ```
 */
export async function loadImageFolder(
  source: ImageFolderSource,
  tools: ImageFolderTools,
  options: ImageFolderOptions = {},
): Promise<ImageFolderData> {
  const {
    imageSize = 32,
    resize = 'shorter-side',
    use = 'training',
    splitSeed = 0,
    strict = false,
    maxPixels = DEFAULT_MAX_PIXELS,
    concurrency = tools.defaultConcurrency,
    onProgress,
  } = options;
  const valSplit = options.valSplit ?? (use === 'training' ? 0.1 : undefined);
  if (!Number.isInteger(imageSize) || imageSize < 1) {
    throw new RangeError(`imageSize must be a positive integer, got ${imageSize}.`);
  }
  if (valSplit !== undefined && !(valSplit > 0 && valSplit < 1)) {
    throw new RangeError(
      `valSplit must be a fraction between 0 and 1 (such as 0.1), got ${valSplit}.`,
    );
  }
  const target: DecodeTarget = { size: imageSize, resize, maxPixels };
  const imageBytes = imageSize * imageSize * 3;
  const where = (path: string) => `${source.name}/${path}`;

  const pixels = new Map<string, Uint8Array>();
  const failures = new Map<string, string>();
  let pool: TaskPool | undefined;
  let done = 0;
  let fromCache = 0;
  let total: number | undefined;

  // 1. The files, in the source's order; hidden ones only counted.
  let hiddenFiles = 0;
  const readable = new Map<string, Extract<ImageFolderEntry, { read: unknown }>>();
  const refused = new Map<string, string>();
  const paths: string[] = [];
  for await (const entry of source.entries) {
    if (isIgnoredPath(entry.path)) {
      hiddenFiles++;
      continue;
    }
    paths.push(entry.path);
    if (paths.length > MAX_FOLDER_FILES) {
      throw new Error(
        `${source.name} holds more than ${formatCount(MAX_FOLDER_FILES)} files, more than cnnkit reads from one folder; split it.`,
      );
    }
    if ('refused' in entry) refused.set(entry.path, entry.refused);
    else {
      readable.set(entry.path, entry);
      if (!source.listed) await decodeOne(entry.path);
    }
    if (source.listed && paths.length % 1000 === 0) {
      onProgress?.({ phase: 'indexing', files: paths.length });
    }
  }

  // 2. Decoding: as the files arrive for a stream, once planned for a listing.
  async function decodeOne(path: string): Promise<void> {
    pool ??= new TaskPool(concurrency);
    await pool.submit(async () => {
      const entry = readable.get(path) as Extract<ImageFolderEntry, { read: unknown }>;
      try {
        const result = await decodeEntry(entry);
        if (result.cached) fromCache++;
        if ((pixels.size + 1) * imageBytes > MAX_DECODED_BYTES) {
          throw new DecodedSizeError(
            `${source.name}: more than ${formatCount(pixels.size)} images of ${imageSize}×${imageSize} take more than ${formatCount(MAX_DECODED_BYTES)} bytes, the most cnnkit keeps in memory; use a smaller image size or fewer images.`,
          );
        }
        pixels.set(path, result.pixels);
      } catch (error) {
        if (error instanceof DecodedSizeError) throw error;
        failures.set(path, firstLine(error));
        if (strict) {
          throw new Error(
            `${where(path)}: ${firstLine(error)} (strict: every file must be a usable image; without it such files are skipped and reported).`,
          );
        }
      }
      done++;
      onProgress?.({ phase: 'decoding', done, total, fromCache });
    });
  }
  async function decodeEntry(
    entry: Extract<ImageFolderEntry, { read: unknown }>,
  ): Promise<{ pixels: Uint8Array; cached: boolean }> {
    if (entry.size !== undefined && entry.size > MAX_IMAGE_FILE_BYTES) {
      throw new Error(
        `${formatCount(entry.size)} bytes, more than an image may be (at most ${formatCount(MAX_IMAGE_FILE_BYTES)} bytes)`,
      );
    }
    const bytes = await entry.read();
    if (bytes.byteLength > MAX_IMAGE_FILE_BYTES) {
      throw new Error(
        `${formatCount(bytes.byteLength)} bytes, more than an image may be (at most ${formatCount(MAX_IMAGE_FILE_BYTES)} bytes)`,
      );
    }
    if (bytes.byteLength === 0) throw new Error('the file is empty');
    const key = tools.cache
      ? `${await tools.contentHash(bytes)}.${imageSize}.${resize}.${tools.decoder.id}`
      : '';
    if (tools.cache) {
      const hit = await tools.cache.get(key).catch(() => undefined);
      if (hit !== undefined && hit.byteLength === imageBytes) return { pixels: hit, cached: true };
    }
    const decoded = await tools.decoder.decode(bytes, target);
    if (decoded.byteLength !== imageBytes) {
      throw new Error(
        `the decoder ${tools.decoder.id} returned ${decoded.byteLength} bytes instead of ${imageBytes}`,
      );
    }
    // A cache that cannot write (full disk, read-only) only costs a decode next time.
    if (tools.cache) await tools.cache.set(key, decoded).catch(() => undefined);
    return { pixels: decoded, cached: false };
  }

  const dirs = (source.dirs?.() ?? []).filter((dir) => !isIgnoredPath(dir));
  const plan = planImageFolder(paths, dirs, source.name, use);
  if (source.listed) {
    const needed = [...plan.files]
      .filter(([path, planned]) => readable.has(path) && neededFor(planned, use, plan))
      .map(([path]) => path);
    total = needed.length;
    onProgress?.({ phase: 'decoding', done: 0, total, fromCache: 0 });
    for (const path of needed) await decodeOne(path);
  }
  await pool?.drain();

  // 3. The split and the data sets.
  const skipped: SkippedFile[] = [...plan.skipped];
  const notices = [...plan.notices];
  const usable: Candidate[] = [];
  for (const [path, planned] of plan.files) {
    if (!neededFor(planned, use, plan)) continue;
    const reason = refused.get(path) ?? failures.get(path);
    if (reason !== undefined) skipped.push({ path, reason });
    else if (pixels.has(path)) usable.push({ path, planned });
  }
  skipped.sort((a, b) => compareCodePoints(a.path, b.path));
  if (strict && skipped.length > 0) {
    throw new Error(
      `${where((skipped[0] as SkippedFile).path)}: ${(skipped[0] as SkippedFile).reason}${skipped.length > 1 ? ` (and ${formatCount(skipped.length - 1)} more files)` : ''} (strict: every file must be a usable image in a class folder).`,
    );
  }
  const byOrder = (a: Candidate, b: Candidate) =>
    compareCodePoints(a.planned.key, b.planned.key) || a.planned.label - b.planned.label;
  usable.sort(byOrder);

  const classNames = plan.classNames;
  const classFolder = (label: number) =>
    `${source.name}/${[plan.splitFolders?.train ?? plan.root, classNames[label]].filter((s) => s !== '').join('/')}`;
  let trainSet: Candidate[] = [];
  let testSet: Candidate[] = [];
  let split: ImageFolderSplit;
  if (plan.splitFolders) {
    split = { kind: 'folders', ...plan.splitFolders };
    testSet = usable.filter((c) => c.planned.part === 'val');
    if (use === 'training') trainSet = usable.filter((c) => c.planned.part === 'main');
  } else if (valSplit !== undefined) {
    split = { kind: 'seeded', valSplit, seed: splitSeed };
    for (let label = 0; label < classNames.length; label++) {
      const ofClass = usable.filter((c) => c.planned.label === label);
      const heldOut = heldOutPositions(ofClass.length, valSplit, splitSeed, label);
      ofClass.forEach((c, i) => {
        (heldOut.has(i) ? testSet : trainSet).push(c);
      });
      if (use === 'training' && ofClass.length === 1) {
        notices.push(
          `class ${classNames[label]} has 1 image: it is used for training only, none for validation`,
        );
      }
    }
    trainSet.sort(byOrder);
    testSet.sort(byOrder);
    if (use === 'evaluation') trainSet = [];
  } else {
    split = { kind: 'none' };
    testSet = usable;
  }

  const counts = (set: readonly Candidate[]) => {
    const n = classNames.map(() => 0);
    for (const c of set) n[c.planned.label] = (n[c.planned.label] as number) + 1;
    return n;
  };
  const trainCounts = counts(trainSet);
  const testCounts = counts(testSet);
  if (use === 'training') {
    for (let label = 0; label < classNames.length; label++) {
      if ((trainCounts[label] as number) > 0) continue;
      const inFolder = [...plan.files].filter(
        ([, p]) => p.label === label && p.part === 'main',
      ).length;
      throw new Error(
        inFolder === 0
          ? `${classFolder(label)} holds no images: add images of ${classNames[label]} or remove the folder.`
          : `${classFolder(label)}: none of its ${formatCount(inFolder)} files could be used (${skipped.find((s) => plan.files.get(s.path)?.label === label)?.reason ?? 'unreadable'}); add images that can be decoded.`,
      );
    }
    if (testSet.length === 0) {
      throw new Error(
        `${source.name}: no images are left for validation (every class has a single image); add images, or a val/ folder.`,
      );
    }
  } else if (testSet.length === 0) {
    throw new Error(
      `${source.name} has no images to evaluate${skipped.length > 0 ? ` (${formatCount(skipped.length)} files could not be used, such as ${(skipped[0] as SkippedFile).path}: ${(skipped[0] as SkippedFile).reason})` : ''}.`,
    );
  } else {
    for (let label = 0; label < classNames.length; label++) {
      if ((testCounts[label] as number) === 0 && !plan.emptyClasses.includes(label)) {
        notices.push(`no usable images of class ${classNames[label]} to evaluate`);
      }
    }
  }
  for (const label of plan.emptyClasses) {
    if (use === 'evaluation') notices.push(`${classFolder(label)} holds no images`);
  }

  const toDataset = (set: readonly Candidate[]): ImageDataset => {
    if (set.length === 0) return emptyDataset(imageSize, classNames);
    const images = new Uint8Array(set.length * imageBytes);
    const labels = new Uint8Array(set.length);
    set.forEach((c, i) => {
      images.set(pixels.get(c.path) as Uint8Array, i * imageBytes);
      labels[i] = c.planned.label;
      // Each image is copied once; dropping it lets the memory go while the rest are copied.
      pixels.delete(c.path);
    });
    return {
      images,
      labels,
      count: set.length,
      height: imageSize,
      width: imageSize,
      channels: 3,
      classNames,
    };
  };
  const train = toDataset(trainSet);
  const test = toDataset(testSet);
  return {
    train,
    test,
    classNames,
    report: {
      root: plan.root,
      split,
      classes: classNames.map((name, i) => ({
        name,
        train: trainCounts[i] as number,
        val: testCounts[i] as number,
      })),
      skipped,
      hiddenFiles,
      notices,
      decoded: train.count + test.count,
      fromCache,
    },
  };
}

/** Evaluation of a folder with split folders reads only `val/`; training reads both. */
function neededFor(planned: PlannedFile, use: 'training' | 'evaluation', plan: ImageFolderPlan) {
  return use === 'training' || !plan.splitFolders || planned.part === 'val';
}

class DecodedSizeError extends Error {}
