/** Training images in the sample: 200 of each of the 10 classes. */
export const CIFAR10_SAMPLE_TRAIN_COUNT = 2_000;
export const CIFAR10_SAMPLE_TRAIN_PER_CLASS = 200;
/** Test images in the sample: 50 of each of the 10 classes. */
export const CIFAR10_SAMPLE_TEST_COUNT = 500;
export const CIFAR10_SAMPLE_TEST_PER_CLASS = 50;
/** SHA-256 of `data/cifar-10-sample.tar.gz`, to check a copy fetched over the network. */
export const CIFAR10_SAMPLE_SHA256 =
  'a2c599ba82e801c42c477ffa4939dfa54c3da2b2121bc4ce50696234d633ceb2';
/** SHA-256 of the full archive the sample was cut from (see README: Provenance). */
export const CIFAR10_SAMPLE_SOURCE_SHA256 =
  '08627a1f323ab47a574fcd0c0394387784bfd50608c66a21a56af4c253c18dfc';
