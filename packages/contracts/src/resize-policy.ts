/**
 * How an image of another size is brought to a model's square input size, as the data sets
 * decode it and weights files record it:
 *
 * - `shorter-side`: scale so that the shorter side fits, then cut the centre square
 *   (torchvision's `Resize(size)` + `CenterCrop(size)`); nothing is distorted, the edges of
 *   the longer side are lost.
 * - `squash`: scale each side to the size on its own; the whole picture stays, stretched.
 */
export type ResizePolicy = 'shorter-side' | 'squash';
