/** The files under `distDir` that carry TensorFlow.js code, each with why. */
export function findBundledTfjs(distDir: string): { file: string; reason: string }[];
