import type { Dirent, Stats } from 'node:fs';
import { opendir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { formatCount } from '../format-count.js';
import { compareCodePoints } from '../image-folder/compare-code-points.js';
import { isIgnoredName } from '../image-folder/ignored-paths.js';
import { MAX_FOLDER_FILES, MAX_IMAGE_FILE_BYTES } from '../image-folder/image-folder-limits.js';
import type { ImageFolderEntry } from '../image-folder/image-folder-types.js';
import { readRegularFile } from './read-regular-file.js';

/** A directory's files (hidden ones as refused entries: never read), and its folders. */
export interface DirectoryListing {
  readonly entries: ImageFolderEntry[];
  readonly dirs: string[];
}

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  return 'not a regular file';
}

/**
 * Lists the files under `root`, sorted, without reading them: hidden and system names are
 * counted and not descended into; symbolic links are followed only when their target is inside
 * `root` (a link out of it is a refused entry, as are FIFOs, sockets and devices); a folder
 * reached twice through links is listed once. Paths are relative to `root`, `/`-separated.
 */
export async function listImageFolder(
  root: string,
  onProgress?: (files: number) => void,
): Promise<DirectoryListing> {
  const rootReal = await realpath(root);
  const inside = (real: string) => real === rootReal || real.startsWith(rootReal + sep);
  const entries: ImageFolderEntry[] = [];
  const dirs: string[] = [];
  const visited = new Set<string>([rootReal]);
  const refuse = (path: string, refused: string) => entries.push({ path, refused });

  const walk = async (dir: string): Promise<void> => {
    const children: Dirent[] = [];
    for await (const child of await opendir(dir)) children.push(child);
    children.sort((a, b) => compareCodePoints(a.name, b.name));
    for (const child of children) {
      const full = join(dir, child.name);
      const path = relative(root, full).split(sep).join('/');
      if (isIgnoredName(child.name)) {
        // Not descended into: counted as one hidden file by the loader.
        refuse(path, 'hidden');
        continue;
      }
      let stats: Stats;
      if (child.isSymbolicLink()) {
        let real: string;
        try {
          real = await realpath(full);
        } catch {
          refuse(path, 'a broken symbolic link');
          continue;
        }
        if (!inside(real)) {
          refuse(
            path,
            `a symbolic link to ${real}, outside the folder; links are followed only inside it`,
          );
          continue;
        }
        stats = await stat(real);
        if (stats.isDirectory()) {
          if (visited.has(real)) continue;
          visited.add(real);
        }
      } else if (child.isDirectory()) {
        stats = await stat(full);
        visited.add(await realpath(full));
      } else {
        stats = await stat(full);
      }
      if (stats.isDirectory()) {
        dirs.push(path);
        await walk(full);
      } else if (stats.isFile()) {
        const size = stats.size;
        entries.push({
          path,
          size,
          read: () =>
            readRegularFile(
              full,
              MAX_IMAGE_FILE_BYTES,
              (bytes) =>
                `${formatCount(bytes)} bytes, more than an image may be (at most ${formatCount(MAX_IMAGE_FILE_BYTES)} bytes)`,
            ).catch((error: Error) => {
              // The loader names the file itself.
              throw new Error(error.message.replace(`${full}: `, ''));
            }),
        });
      } else {
        refuse(path, `${kindOf(stats)}; only regular files are read`);
      }
      if (entries.length > MAX_FOLDER_FILES) {
        throw new Error(
          `${root} holds more than ${formatCount(MAX_FOLDER_FILES)} files, more than cnnkit reads from one folder; split it.`,
        );
      }
      if (entries.length % 1000 === 0) onProgress?.(entries.length);
    }
  };
  await walk(root);
  return { entries, dirs };
}
