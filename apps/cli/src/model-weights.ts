import { readFile } from 'node:fs/promises';
import { SimpleCNN } from '@cnnkit/models';
import { UserError } from './user-errors.js';

/** A SimpleCNN with the weights of a `.safetensors` file (cnnkit's or PyTorch's). */
export async function loadSimpleCnn(file: string): Promise<SimpleCNN> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      code === 'ENOENT' ? `${file}: no such file.` : `${file}: ${(error as Error).message}`,
    );
  }
  const model = SimpleCNN.create({ seed: 0 });
  try {
    model.loadWeights(bytes);
  } catch (error) {
    model.dispose();
    throw new UserError(`${file}: ${(error as Error).message}`);
  }
  return model;
}
