import { describe, expect, it } from 'vitest';
import { compareCodePoints } from './compare-code-points.js';
import { planImageFolder } from './plan-image-folder.js';

const plan = (files: string[], dirs: string[] = [], use: 'training' | 'evaluation' = 'training') =>
  planImageFolder(files, dirs, 'photos', use);

describe('planImageFolder', () => {
  it('takes classes from folder names in code-point order (torchvision’s) and keys by path in the class', () => {
    const p = plan(['dog/b.jpg', 'Cat/a.jpg', 'cat/x/y.png', 'ängel/1.png']);
    expect(p.classNames).toEqual(['Cat', 'cat', 'dog', 'ängel']);
    expect(p.files.get('cat/x/y.png')).toEqual({ label: 1, part: 'main', key: 'x/y.png' });
    expect(p.root).toBe('');
    expect(p.splitFolders).toBeUndefined();
  });

  it('looks into a lone top folder, as archives have, but not into a lone class', () => {
    const p = plan(['photos/cat/a.jpg', 'photos/dog/b.jpg']);
    expect([p.root, ...p.classNames]).toEqual(['photos', 'cat', 'dog']);
    expect(p.files.get('photos/dog/b.jpg')?.key).toBe('b.jpg');
    expect(() => plan(['cat/a.jpg', 'cat/b.jpg'])).toThrow(
      'photos has one class folder (cat); a classifier needs at least two classes: add a folder of images for each other class.',
    );
  });

  it('uses train/ and val/ (or test/), says which is unused, and refuses unknown val classes', () => {
    const p = plan([
      'train/cat/1.jpg',
      'train/dog/2.jpg',
      'val/cat/3.jpg',
      'test/dog/4.jpg',
      'readme.txt',
    ]);
    expect(p.splitFolders).toEqual({ train: 'train', val: 'val' });
    expect(p.files.get('val/cat/3.jpg')).toEqual({ label: 0, part: 'val', key: '3.jpg' });
    expect(p.skipped).toEqual([
      { path: 'readme.txt', reason: 'outside train/ and val/' },
      { path: 'test/dog/4.jpg', reason: 'outside train/ and val/' },
    ]);
    expect(p.notices).toEqual([
      'photos/test is not used (val/ is the validation set); evaluate it with --data photos/test',
      'photos/val has no images of class dog: its accuracy is not measured',
    ]);
    expect(() => plan(['train/cat/1.jpg', 'train/dog/2.jpg', 'Test/wolf/3.jpg'])).toThrow(
      'photos/Test has class folders that photos/train lacks (wolf); the model cannot learn classes it never trains on. Add them to train/ or remove them from Test/.',
    );
  });

  it('skips files outside class folders and finds empty class folders', () => {
    const p = plan(['cat/a.jpg', 'notes.txt'], ['cat', 'dog', 'dog/empty-sub']);
    expect(p.classNames).toEqual(['cat', 'dog']);
    expect(p.emptyClasses).toEqual([1]);
    expect(p.skipped).toEqual([
      { path: 'notes.txt', reason: 'not in a class folder: put it in photos/<class>/' },
    ]);
  });

  it('names the folder when there are no class folders; one class is fine to evaluate', () => {
    expect(() => plan(['a.jpg', 'b.jpg'])).toThrow(
      'photos has no class folders: put each class\u2019s images in a folder named after the class (photos/<class>/<image>).'.replace(
        '\u2019',
        "'",
      ),
    );
    expect(plan(['cat/a.jpg'], [], 'evaluation').classNames).toEqual(['cat']);
    const many = Array.from({ length: 257 }, (_, i) => `c${i}/a.jpg`);
    expect(() => plan(many)).toThrow(
      'photos has 257 class folders, more than the 256 cnnkit supports',
    );
  });
});

describe('compareCodePoints', () => {
  it('orders by code point, as Python does, where UTF-16 order differs', () => {
    const names = ['\u{1F600}', '\uFF5E', 'a'];
    expect([...names].sort(compareCodePoints)).toEqual(['a', '\uFF5E', '\u{1F600}']);
    expect([...names].sort()).toEqual(['a', '\u{1F600}', '\uFF5E']);
  });
});
