/**
 * CIFAR-10's per-channel mean of the training images' pixels in [0, 1] (R, G, B), as airbench
 * and most CIFAR recipes normalise with it.
 *
 * @example
 * ```ts
 * const transform = compose(toTensor(), normalize(CIFAR10_MEAN, CIFAR10_STD));
 * CIFAR10_MEAN.length; // 3
 * ```
 */
export const CIFAR10_MEAN: readonly number[] = Object.freeze([0.4914, 0.4822, 0.4465]);

/**
 * CIFAR-10's per-channel standard deviation (R, G, B), as airbench uses it; see {@link CIFAR10_MEAN}.
 *
 * @example
 * ```ts
 * CIFAR10_STD[2]; // 0.2616
 * ```
 */
export const CIFAR10_STD: readonly number[] = Object.freeze([0.247, 0.2435, 0.2616]);
