/**
 * Seeded random numbers whose whole state is four 32-bit words, so a checkpoint can store
 * it and a resumed run continues the exact same sequence. Used by @cnnkit/datasets for
 * shuffling and augmentation and by @cnnkit/models for initialisation.
 *
 * @packageDocumentation
 */
export { deriveSeed, Rng, type RngState } from './rng.js';
