import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Hex MD5 of a file, streamed (the official archive is 170 MB). */
export async function fileMd5(path: string): Promise<string> {
  const hash = createHash('md5');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
