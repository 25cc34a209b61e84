import { Gunzip } from 'fflate';

/** Called as the archive is read and decompressed; `fraction` of the compressed bytes done. */
export type ArchiveProgress = (fraction: number) => void;

/**
 * Reads a `.tar.gz` (or a plain `.tar`) Blob into one uncompressed tar buffer, decompressing
 * chunk by chunk as it streams in, so a 170 MB archive reports progress instead of freezing in
 * one `gunzipSync` call. The tar is then read by `cifar10FromArchiveBytes`, which accepts an
 * uncompressed tar. `name` is quoted in errors.
 */
export async function readArchiveFile(
  file: Blob,
  name: string,
  onProgress: ArchiveProgress = () => {},
): Promise<Uint8Array> {
  if (file.size === 0)
    throw new Error(`${name}: the file is empty; choose cifar-10-binary.tar.gz.`);
  const head = new Uint8Array(await file.slice(0, 2).arrayBuffer());
  if (head[0] !== 0x1f || head[1] !== 0x8b) {
    // Not gzip: a plain tar goes straight to the tar reader, which rejects anything else.
    const bytes = new Uint8Array(await file.arrayBuffer());
    onProgress(1);
    return bytes;
  }
  // gzip's last 4 bytes hold the uncompressed size mod 2^32 (CIFAR-10's tar is ~185 MB).
  const tail = new DataView(await file.slice(file.size - 4).arrayBuffer());
  const expected = file.size >= 18 ? tail.getUint32(0, true) : 0;
  let output = new Uint8Array(Math.max(expected, 1024));
  let length = 0;
  let failure: Error | undefined;
  const gunzip = new Gunzip((chunk) => {
    if (length + chunk.length > output.length) {
      const grown = new Uint8Array(Math.max(output.length * 2, length + chunk.length));
      grown.set(output.subarray(0, length));
      output = grown;
    }
    output.set(chunk, length);
    length += chunk.length;
  });
  const reader = file.stream().getReader();
  let consumed = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      consumed += value.length;
      gunzip.push(value, consumed === file.size);
      onProgress(consumed / file.size);
    }
  } catch (error) {
    failure = error as Error;
  }
  if (failure) {
    throw new Error(
      `${name}: cannot decompress (${failure.message}); the file is damaged or not a .tar.gz. Download cifar-10-binary.tar.gz again.`,
    );
  }
  if (consumed !== file.size) {
    throw new Error(`${name}: only ${consumed} of ${file.size} bytes could be read.`);
  }
  return output.subarray(0, length);
}
