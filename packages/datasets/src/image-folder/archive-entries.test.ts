import { gzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { concatBytes, tarEnd, tarEntry, tarHeader } from '../testing/tar-builder.js';
import { imageArchiveEntries } from './archive-entries.js';
import type { ImageFolderEntry } from './image-folder-types.js';

async function* chunked(bytes: Uint8Array, size = 100) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function list(bytes: Uint8Array) {
  const dirs: string[] = [];
  const out: { path: string; refused?: string; text?: string }[] = [];
  for await (const entry of imageArchiveEntries(
    chunked(bytes),
    'photos.x',
    dirs,
  ) as AsyncIterable<ImageFolderEntry>) {
    if ('refused' in entry) out.push({ path: entry.path, refused: entry.refused });
    else out.push({ path: entry.path, text: new TextDecoder().decode(await entry.read()) });
  }
  return { out, dirs };
}

const text = (s: string) => new TextEncoder().encode(s);

describe('imageArchiveEntries', () => {
  it('lists a tar and a tar.gz, refusing links and devices without reading them', async () => {
    const tar = concatBytes([
      tarEntry('photos/', new Uint8Array(0), '5'),
      tarEntry('photos/cat/a.jpg', text('cat a')),
      tarEntry('photos/cat/link.jpg', new Uint8Array(0), '2'),
      tarEntry('photos/dog/fifo', new Uint8Array(0), '6'),
      tarEntry('photos/dog/b.jpg', text('dog b')),
      tarEnd(),
    ]);
    for (const bytes of [tar, gzipSync(tar)]) {
      const { out, dirs } = await list(bytes);
      expect(dirs).toEqual(['photos']);
      expect(out).toEqual([
        { path: 'photos/cat/a.jpg', text: 'cat a' },
        { path: 'photos/cat/link.jpg', refused: 'a symbolic link, not a file' },
        { path: 'photos/dog/fifo', refused: 'a FIFO, not a file' },
        { path: 'photos/dog/b.jpg', text: 'dog b' },
      ]);
    }
  });

  it('lists a zip', async () => {
    const zip = zipSync({
      'photos/cat/a.jpg': text('cat a'),
      'photos/dog/': new Uint8Array(0),
      'photos/dog/b.jpg': [text('dog b'), { level: 9 }],
    });
    const { out, dirs } = await list(zip);
    expect(out).toEqual([
      { path: 'photos/cat/a.jpg', text: 'cat a' },
      { path: 'photos/dog/b.jpg', text: 'dog b' },
    ]);
    expect(dirs).toEqual(['photos/dog']);
  });

  it('refuses an entry larger than an image may be at its header, never reading it', async () => {
    // The header claims 300 MB; the data never comes, and need not.
    const tar = concatBytes([tarHeader({ path: 'cat/huge.jpg', size: 300_000_000 })]);
    const dirs: string[] = [];
    const iterator = imageArchiveEntries(chunked(tar), 'photos.tar', dirs)[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.value).toEqual({
      path: 'cat/huge.jpg',
      refused: '300,000,000 bytes, more than an image may be (at most 268,435,456 bytes)',
    });
  });

  it('refuses the whole archive for a path out of it, and names what is not an archive', async () => {
    const tar = concatBytes([tarEntry('../evil.jpg', text('x')), tarEnd()]);
    await expect(list(tar)).rejects.toThrow('refusing archive entry "../evil.jpg"');
    await expect(list(zipSync({ '/etc/evil.jpg': text('x') }))).rejects.toThrow(
      'refusing archive entry "/etc/evil.jpg"',
    );
    await expect(list(text('just text, no archive at all'))).rejects.toThrow(
      'photos.x: not a .zip, .tar or .tar.gz archive (nor a folder); give a folder of class folders or an archive of one.',
    );
  });
});
