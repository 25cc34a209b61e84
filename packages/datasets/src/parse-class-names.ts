import { CIFAR10_NUM_CLASSES } from './cifar10-format.js';

/**
 * Reads `batches.meta.txt`: one class name a line, blank lines ignored (the official file
 * ends with empty lines).
 */
export function parseClassNames(bytes: Uint8Array, fileName: string): string[] {
  const names = new TextDecoder()
    .decode(bytes)
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line.length > 0);
  if (names.length !== CIFAR10_NUM_CLASSES) {
    throw new Error(
      `${fileName}: expected ${CIFAR10_NUM_CLASSES} class names (one a line), found ${names.length}: ${JSON.stringify(names.slice(0, 12))}.`,
    );
  }
  return names;
}
