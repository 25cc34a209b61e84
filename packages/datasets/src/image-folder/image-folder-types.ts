import type { ResizePolicy } from '@cnnkit/contracts';
import type { ImageDataset } from '../types.js';

export type { ResizePolicy };

/** What a decoder makes of an image: a square RGB image of `size`×`size`. */
export interface DecodeTarget {
  /** Height and width of the result in pixels. */
  readonly size: number;
  readonly resize: ResizePolicy;
  /** Images with more pixels than this (from their header) are refused before decoding. */
  readonly maxPixels: number;
}

/**
 * Turns an image file's bytes into `size`×`size`×3 RGB bytes (HWC): EXIF orientation applied,
 * grey, CMYK, 16-bit and alpha (composited over white) converted, resized by the target's
 * policy. Throws an `Error` whose message says why a file cannot be used.
 */
export interface ImageDecoder {
  /**
   * Names the decoder and its version (letters, digits, `.`, `-`): part of the decoded-image
   * cache key, since another decoder may give slightly different pixels.
   */
  readonly id: string;
  decode(bytes: Uint8Array, target: DecodeTarget): Promise<Uint8Array>;
}

/**
 * Where decoded images are kept between epochs and runs: `key` names an image's content
 * (SHA-256), the size, the policy and the decoder. `get` resolves `undefined` for a miss; both
 * may fail (the loader then decodes, or goes on without caching).
 */
export interface DecodedImageCache {
  get(key: string): Promise<Uint8Array | undefined>;
  set(key: string, pixels: Uint8Array): Promise<void>;
}

/** One file of an image folder, as a source lists it. */
export type ImageFolderEntry =
  | {
      /** Path inside the folder or archive, `/`-separated, without a leading `./`. */
      readonly path: string;
      /** Bytes, when known before reading (checked against the file limit). */
      readonly size?: number;
      read(): Promise<Uint8Array>;
    }
  | {
      readonly path: string;
      /** Why the source could not offer the file (a link out of the folder, a FIFO, …). */
      readonly refused: string;
    };

/** Where a loader is, for progress displays. */
export type ImageFolderProgress =
  | { readonly phase: 'indexing'; readonly files: number }
  | {
      readonly phase: 'decoding';
      readonly done: number;
      /** Files to decode, when known in advance (a directory; not a streamed archive). */
      readonly total: number | undefined;
      /** Of `done`, how many came from the decoded-image cache. */
      readonly fromCache: number;
    };

/** How an image folder is read; every field has a default. */
export interface ImageFolderOptions {
  /** Height and width of the decoded images (default 32, CIFAR-10's). */
  readonly imageSize?: number;
  /** How images of another shape become squares (default `shorter-side`). */
  readonly resize?: ResizePolicy;
  /**
   * `training` (default): `train/` + `val/` (or `test/`) folders when the folder has them,
   * else a seeded split holding out `valSplit` of each class. `evaluation`: the `val/`
   * (or `test/`) folder when there is one, else every image — unless `valSplit` is given,
   * then the held-out part of the seeded split (what a training run on the folder did not see).
   */
  readonly use?: 'training' | 'evaluation';
  /**
   * Fraction of each class held out for validation when the folder has no split folders:
   * default 0.1, as in many training tools; at least one image per class of two or more.
   */
  readonly valSplit?: number;
  /** Seed of that split (default 0; the training seed does not change the validation set). */
  readonly splitSeed?: number;
  /** Fail on the first file that cannot be used instead of skipping and reporting it. */
  readonly strict?: boolean;
  /** Most pixels an image may have, read from its header (default 25,000,000). */
  readonly maxPixels?: number;
  /** Images decoded at the same time (default: the number of CPU cores). */
  readonly concurrency?: number;
  readonly onProgress?: (progress: ImageFolderProgress) => void;
}

/** A file that is not in the data set, and why. */
export interface SkippedFile {
  /** Path inside the folder or archive. */
  readonly path: string;
  readonly reason: string;
}

/** How the images were split into training and validation images. */
export type ImageFolderSplit =
  | { readonly kind: 'folders'; readonly train: string; readonly val: string }
  | { readonly kind: 'seeded'; readonly valSplit: number; readonly seed: number }
  | { readonly kind: 'none' };

/** What was found: classes and counts, the split, every file left out. */
export interface ImageFolderReport {
  /** The folder the classes are in, inside the source (`''` for its top). */
  readonly root: string;
  readonly split: ImageFolderSplit;
  /** Per class (label order): images for training and for validation (or evaluation). */
  readonly classes: readonly {
    readonly name: string;
    readonly train: number;
    readonly val: number;
  }[];
  /** Files that are not in the data set, in path order. */
  readonly skipped: readonly SkippedFile[];
  /** Hidden and system files left out without a word (`.DS_Store`, `__MACOSX/`, `Thumbs.db`). */
  readonly hiddenFiles: number;
  /** Things worth telling the user that are not errors (a class without validation images). */
  readonly notices: readonly string[];
  /** Images decoded in this call, and how many of them came from the cache. */
  readonly decoded: number;
  readonly fromCache: number;
}

/**
 * An image folder read into memory: `train` and `test` (the validation images) share
 * `classNames`, the sorted class folder names. With `use: 'evaluation'`, `train` is empty.
 */
export interface ImageFolderData {
  readonly train: ImageDataset;
  readonly test: ImageDataset;
  readonly classNames: readonly string[];
  readonly report: ImageFolderReport;
}
