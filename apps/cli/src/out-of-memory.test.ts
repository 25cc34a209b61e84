import { describe, expect, it } from 'vitest';
import { outOfMemoryError } from './out-of-memory.js';
import { UserError } from './user-errors.js';

const run = { backend: 'wasm', batchSize: 1024, dir: 'runs/fast' };

describe('wasm out of memory', () => {
  it('explains the trap of a full wasm heap in one line, with a smaller batch to try', () => {
    const trap = Object.assign(new Error('memory access out of bounds'), { name: 'RuntimeError' });
    const error = outOfMemoryError(trap, run);
    expect(error).toBeInstanceOf(UserError);
    expect(error?.message).toBe(
      'the wasm backend ran out of memory (at most 4 GB) training batches of 1024 in runs/fast; start a new run with a smaller --batch-size (e.g. --batch-size 512) and --out <new dir>.',
    );
    expect(outOfMemoryError(new Error('Cannot enlarge memory arrays'), run)).toBeInstanceOf(
      UserError,
    );
  });

  it('leaves other errors and other backends alone', () => {
    expect(outOfMemoryError(new Error('ENOSPC: no space left'), run)).toBeUndefined();
    expect(outOfMemoryError('memory access out of bounds', run)).toBeUndefined();
    const trap = new Error('memory access out of bounds');
    expect(outOfMemoryError(trap, { ...run, backend: 'tensorflow' })).toBeUndefined();
  });
});
