import { expect, it } from 'vitest';
import { parseClassNames } from './parse-class-names.js';

it('runs the doc example: one name a line, blank lines ignored', () => {
  const text = 'airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n';
  const names = parseClassNames(new TextEncoder().encode(text), 'batches.meta.txt');
  expect(names).toHaveLength(10);
  expect(names[9]).toBe('truck');
});

it('reads Windows line endings', () => {
  const text = 'a\r\nb\r\nc\r\nd\r\ne\r\nf\r\ng\r\nh\r\ni\r\nj\r\n';
  expect(parseClassNames(new TextEncoder().encode(text), 'm.txt')[1]).toBe('b');
});

it('names the file and what it found when there are not 10 names', () => {
  expect(() =>
    parseClassNames(new TextEncoder().encode('cat\ndog\n'), 'dir/batches.meta.txt'),
  ).toThrow('dir/batches.meta.txt: expected 10 class names (one a line), found 2: ["cat","dog"].');
});
