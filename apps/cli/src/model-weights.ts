import { SimpleCNN } from '@cnnkit/models';
import { readRegularFile } from './read-regular-file.js';
import { UserError } from './user-errors.js';

/**
 * The largest weights file read. SimpleCNN's is 248 KB; this leaves room for far larger models
 * while a wrong path (a disk image, /dev/zero) fails before it fills the memory.
 */
export const MAX_WEIGHTS_BYTES = 256 * 1024 * 1024;

/** A SimpleCNN with the weights of a `.safetensors` file (cnnkit's or PyTorch's). */
export async function loadSimpleCnn(file: string): Promise<SimpleCNN> {
  const bytes = await readRegularFile(
    file,
    MAX_WEIGHTS_BYTES,
    (size) =>
      `${size.toLocaleString('en-US')} bytes, more than a weights file may be (at most ${MAX_WEIGHTS_BYTES.toLocaleString('en-US')} bytes; SimpleCNN's is 248 KB). Check the --weights path.`,
  );
  const model = SimpleCNN.create({ seed: 0 });
  try {
    model.loadWeights(bytes);
  } catch (error) {
    model.dispose();
    throw new UserError(`${file}: ${(error as Error).message}`);
  }
  return model;
}
