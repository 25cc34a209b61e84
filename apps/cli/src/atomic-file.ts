import { rename, rm, writeFile } from 'node:fs/promises';

// Temporary files are `<file>.tmp-<pid>`; a run directory's clean-up removes what a killed
// process left under this suffix.
export const TEMPORARY_SUFFIX = '.tmp-';

/** Writes `data` to `path` through a temporary file and a rename: readers see old or new. */
export async function writeFileAtomically(path: string, data: Uint8Array | string): Promise<void> {
  const temporary = `${path}${TEMPORARY_SUFFIX}${process.pid}`;
  try {
    await writeFile(temporary, data);
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
