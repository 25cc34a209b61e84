/**
 * How a split kernel's call may be divided among threads: into `parts` independent pieces (a
 * split kernel's last two parameters, `partFrom` and `partTo`, are a range of them, and its doc
 * comment says what a part is). Parts must write disjoint outputs and compute each output the
 * same way whoever computes it, so that any division gives bit-identical results.
 */
export interface KernelSplit {
  /** The number of independent parts. */
  readonly parts: number;
  /**
   * About how many multiply-adds (or element operations) the whole call does: calls too small
   * to gain from other threads run on the calling thread alone.
   */
  readonly work: number;
}

/** Runs a split kernel over `split`'s parts: on the calling thread, or divided among a pool's. */
export type RunSplitKernel = (
  index: number,
  kernel: (...args: number[]) => void,
  args: readonly number[],
  split: KernelSplit,
) => void;

/** {@link RunSplitKernel} on the calling thread alone. */
export const runOnCallingThread: RunSplitKernel = (_index, kernel, args, split) => {
  kernel(...args, 0, split.parts);
};
