/** The complete state of an {@link Rng}: four unsigned 32-bit words. */
export type RngState = readonly [number, number, number, number];

/** splitmix32: spreads one seed over well-mixed words, so seeds 0, 1, 2 … give unrelated streams. */
function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * Combines a seed with a path of integers (epoch, batch, …) into a new seed, so that
 * each part of a run draws from its own stream and can be replayed without the others.
 *
 * @example
 * ```ts
 * const shuffleSeed = deriveSeed(0, 3); // seed 0, epoch 3
 * ```
 */
export function deriveSeed(seed: number, ...path: readonly number[]): number {
  let h = splitmix32(seed)();
  for (const part of path) h = splitmix32(h ^ Math.imul(part >>> 0, 0x27d4eb2d))();
  return h;
}

/**
 * sfc32 generator (Chris Doty-Humphrey's small fast counting generator): 128-bit state,
 * passes PractRand, fast in JavaScript's 32-bit integer arithmetic.
 *
 * @example
 * ```ts
 * const rng = new Rng(42);
 * const x = rng.float();          // in [0, 1)
 * const saved = rng.state();
 * const again = Rng.fromState(saved);
 * again.float() === rng.float();  // true
 * ```
 */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    if (!Number.isInteger(seed)) {
      throw new TypeError(`Rng seed must be an integer, got ${String(seed)}.`);
    }
    const next = splitmix32(seed);
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    // Discard the first outputs: sfc32's early words are still correlated with the seed.
    for (let i = 0; i < 12; i++) this.uint32();
  }

  /** Restores a generator saved with {@link Rng.state}. */
  static fromState(state: RngState): Rng {
    if (state.length !== 4 || state.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffffffff)) {
      throw new TypeError(
        `Rng state must be four unsigned 32-bit integers, got ${JSON.stringify(state)}.`,
      );
    }
    const rng = new Rng(0);
    [rng.a, rng.b, rng.c, rng.d] = state;
    return rng;
  }

  /** The generator's state; {@link Rng.fromState} continues from exactly here. */
  state(): RngState {
    // `a` comes from an XOR, which JavaScript leaves as a signed 32-bit integer.
    return [this.a >>> 0, this.b >>> 0, this.c >>> 0, this.d >>> 0];
  }

  /** A uniformly distributed unsigned 32-bit integer. */
  uint32(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = ((this.c << 21) | (this.c >>> 11)) >>> 0;
    this.c = (this.c + t) >>> 0;
    return t;
  }

  /** A float uniformly distributed in [0, 1), with 32 bits of randomness. */
  float(): number {
    return this.uint32() / 4294967296;
  }

  /** A float uniformly distributed in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.float();
  }

  /** An integer uniformly distributed in [0, n), without modulo bias. */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 0x100000000) {
      throw new RangeError(`Rng.int needs an integer n in [1, 2^32], got ${n}.`);
    }
    const limit = 0x100000000 - (0x100000000 % n);
    for (;;) {
      const x = this.uint32();
      if (x < limit) return x % n;
    }
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }

  /** A permutation of 0 … n-1. */
  permutation(n: number): Uint32Array {
    const order = new Uint32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    return this.shuffle(order);
  }
}
