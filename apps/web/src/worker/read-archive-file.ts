import { type Cifar10Data, cifar10FromArchiveStream } from '@cnnkit/datasets';

/** Called as the archive is read; `fraction` of the file's bytes done. */
export type ArchiveProgress = (fraction: number) => void;

/**
 * Reads CIFAR-10 from a `.tar.gz` (or plain `.tar`) Blob the user chose, as it streams in:
 * datasets' bounded reader inflates chunk by chunk and keeps only the CIFAR-10 files, so a
 * 170 MB archive reports progress instead of freezing the worker, and a hostile file (a gzip
 * bomb, an entry of gigabytes) fails with a message instead of filling the tab's memory.
 * `name` is quoted in errors.
 */
export async function readArchiveFile(
  file: Blob,
  name: string,
  onProgress: ArchiveProgress = () => {},
): Promise<Cifar10Data> {
  if (file.size === 0)
    throw new Error(`${name}: the file is empty; choose cifar-10-binary.tar.gz.`);
  let consumed = 0;
  async function* counted(): AsyncGenerator<Uint8Array> {
    const reader = file.stream().getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        consumed += value.length;
        onProgress(consumed / file.size);
        yield value;
      }
    } finally {
      await reader.cancel().catch(() => {});
    }
  }
  const data = await cifar10FromArchiveStream(counted(), name);
  if (consumed !== file.size) {
    throw new Error(`${name}: only ${consumed} of ${file.size} bytes could be read.`);
  }
  return data;
}
