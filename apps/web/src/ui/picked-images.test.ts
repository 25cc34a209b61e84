import { describe, expect, test } from 'vitest';
import { imagesFromFolderInput } from './picked-images.js';

/** What `<input webkitdirectory>` gives: Files whose webkitRelativePath starts with the folder. */
function picked(path: string): File {
  const file = new File(['x'], path.split('/').at(-1) ?? path);
  Object.defineProperty(file, 'webkitRelativePath', { value: path });
  return file;
}

describe('imagesFromFolderInput', () => {
  test('the picked folder names the set and paths are taken inside it', () => {
    const files = [
      picked('photos/cat/1.png'),
      picked('photos/dog/a/2.jpg'),
      picked('photos/x.txt'),
    ];
    const images = imagesFromFolderInput(files);
    expect(images?.kind).toBe('files');
    if (images?.kind !== 'files') return;
    expect(images.name).toBe('photos');
    expect(images.files.map((f) => f.path)).toEqual(['cat/1.png', 'dog/a/2.jpg', 'x.txt']);
    expect(images.files[0]?.file).toBe(files[0]);
  });

  test('nothing picked is nothing to load', () => {
    expect(imagesFromFolderInput([])).toBeUndefined();
  });
});
