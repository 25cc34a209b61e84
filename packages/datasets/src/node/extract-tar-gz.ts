import { extract, list } from 'tar';
import { assertSafeEntryPath } from '../archive-entry-path.js';

/**
 * Extracts a `.tar.gz` into `targetDir` with node-tar, after a first pass that refuses the
 * whole archive if any entry could escape `targetDir` (absolute or `..` paths) or is a link:
 * node-tar alone would only warn and skip or rewrite such entries.
 */
export async function extractTarGz(
  archive: string,
  targetDir: string,
  label = archive,
): Promise<void> {
  const problems: Error[] = [];
  await list({
    file: archive,
    strict: true,
    onReadEntry: (entry) => {
      try {
        assertSafeEntryPath(entry.path, label);
        if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'Directory') {
          throw new Error(
            `${label}: refusing archive entry ${JSON.stringify(entry.path)} of type ${entry.type}; CIFAR-10 archives hold only files and directories.`,
          );
        }
      } catch (error) {
        problems.push(error as Error);
      }
    },
  });
  if (problems.length > 0) throw problems[0];
  await extract({ file: archive, cwd: targetDir, strict: true });
}
