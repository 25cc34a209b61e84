import { describe, expect, it } from 'vitest';
import type { ImageDecoder, ImageFolderEntry, ImageFolderProgress } from './image-folder-types.js';
import { loadImageFolder } from './load-image-folder.js';
import { memoryImageCache } from './memory-image-cache.js';

/** A "decoder" for tests: an image is its file's first byte, repeated; "bad" files fail. */
function fakeDecoder(): ImageDecoder & { calls: number } {
  return {
    id: 'fake-1',
    calls: 0,
    async decode(bytes, target) {
      this.calls++;
      if (new TextDecoder().decode(bytes).startsWith('bad'))
        throw new Error('cannot decode the image (fake)');
      return new Uint8Array(target.size * target.size * 3).fill(bytes[0] as number);
    },
  };
}

const file = (path: string, first: number | string): ImageFolderEntry => ({
  path,
  read: async () =>
    typeof first === 'string' ? new TextEncoder().encode(first) : Uint8Array.from([first, 1, 2]),
});

const tools = (decoder = fakeDecoder(), cache = memoryImageCache()) => ({
  decoder,
  cache,
  contentHash: (bytes: Uint8Array) => Array.from(bytes).join('-') || 'empty',
  defaultConcurrency: 2,
});

const firstBytes = (images: Uint8Array, count: number) =>
  Array.from({ length: count }, (_, i) => images[i * 12] as number);

describe('loadImageFolder', () => {
  const entries = [
    file('dog/002.png', 2),
    file('cat/001.png', 1),
    file('cat/003.png', 3),
    file('dog/000.png', 0),
    file('cat/bad.png', 'bad'),
    file('.DS_Store', 'x'),
  ];

  it('orders images by file name across classes, so index-named files keep their order', async () => {
    const data = await loadImageFolder({ name: 'pets', entries, listed: true }, tools(), {
      imageSize: 2,
      use: 'evaluation',
    });
    expect(data.classNames).toEqual(['cat', 'dog']);
    expect(firstBytes(data.test.images, 4)).toEqual([0, 1, 2, 3]);
    expect(Array.from(data.test.labels)).toEqual([1, 0, 1, 0]);
    expect(data.report.split).toEqual({ kind: 'none' });
    expect(data.report.skipped).toEqual([
      { path: 'cat/bad.png', reason: 'cannot decode the image (fake)' },
    ]);
    expect(data.report.hiddenFiles).toBe(1);
    expect(data.train.count).toBe(0);
  });

  it('splits each class by the seed, and decodes nothing twice with a cache', async () => {
    const decoder = fakeDecoder();
    const cache = memoryImageCache();
    const progress: ImageFolderProgress[] = [];
    const many = Array.from({ length: 20 }, (_, i) =>
      file(`${i % 2 ? 'dog' : 'cat'}/${String(i).padStart(2, '0')}.png`, i),
    );
    const first = await loadImageFolder(
      { name: 'pets', entries: many, listed: true },
      tools(decoder, cache),
      {
        imageSize: 2,
        valSplit: 0.2,
        onProgress: (p) => progress.push(p),
      },
    );
    expect(first.report.classes).toEqual([
      { name: 'cat', train: 8, val: 2 },
      { name: 'dog', train: 8, val: 2 },
    ]);
    expect(decoder.calls).toBe(20);
    expect(progress.at(-1)).toEqual({ phase: 'decoding', done: 20, total: 20, fromCache: 0 });
    const second = await loadImageFolder(
      { name: 'pets', entries: many, listed: true },
      tools(decoder, cache),
      {
        imageSize: 2,
        valSplit: 0.2,
      },
    );
    expect(decoder.calls).toBe(20);
    expect(second.report.fromCache).toBe(20);
    expect(second.test.images).toEqual(first.test.images);
    // Another size or policy is another cache entry.
    await loadImageFolder({ name: 'pets', entries: many, listed: true }, tools(decoder, cache), {
      imageSize: 3,
    });
    expect(decoder.calls).toBe(40);
  });

  it('decodes a stream as it comes, the same way', async () => {
    async function* stream() {
      yield* entries;
    }
    const data = await loadImageFolder(
      { name: 'pets.zip', entries: stream(), listed: false },
      tools(),
      {
        imageSize: 2,
        use: 'evaluation',
      },
    );
    expect(firstBytes(data.test.images, 4)).toEqual([0, 1, 2, 3]);
  });

  it('is strict when asked, and names a class with nothing usable', async () => {
    await expect(
      loadImageFolder({ name: 'pets', entries, listed: true }, tools(), {
        imageSize: 2,
        strict: true,
      }),
    ).rejects.toThrow(
      'pets/cat/bad.png: cannot decode the image (fake) (strict: every file must be a usable image; without it such files are skipped and reported).',
    );
    await expect(
      loadImageFolder(
        {
          name: 'pets',
          entries: [file('cat/a.png', 1), file('cat/b.png', 2), file('dog/bad.png', 'bad')],
          listed: true,
        },
        tools(),
        { imageSize: 2 },
      ),
    ).rejects.toThrow(
      'pets/dog: none of its 1 files could be used (cannot decode the image (fake)); add images that can be decoded.',
    );
    await expect(
      loadImageFolder(
        {
          name: 'pets',
          entries: [file('cat/a.png', 1), file('cat/b.png', 2)],
          dirs: () => ['cat', 'dog'],
          listed: true,
        },
        tools(),
        { imageSize: 2 },
      ),
    ).rejects.toThrow('pets/dog holds no images: add images of dog or remove the folder.');
  });

  it('says a class of one image has none for validation, and refuses a bad valSplit', async () => {
    const data = await loadImageFolder(
      {
        name: 'pets',
        entries: [file('cat/a.png', 1), file('cat/b.png', 2), file('dog/c.png', 3)],
        listed: true,
      },
      tools(),
      { imageSize: 2 },
    );
    expect(data.report.notices).toEqual([
      'class dog has 1 image: it is used for training only, none for validation',
    ]);
    await expect(
      loadImageFolder({ name: 'pets', entries, listed: true }, tools(), { valSplit: 1 }),
    ).rejects.toThrow('valSplit must be a fraction between 0 and 1 (such as 0.1), got 1.');
  });
});
