// @ts-check
// The line both README apps end with, `test accuracy: 24.6 %`, and what counts as sane for
// SimpleCNN after one epoch on the 2,000-image sample: clearly above chance (10 % on the 500
// test images, whose standard error is about 1.3 points) and below what the full data set's
// two epochs reach (54 %).

export const SANE_ACCURACY_PERCENT = { min: 15, max: 54 };

/**
 * The accuracy in percent from an app's output lines; throws when the line is missing or the
 * number is not sane.
 *
 * @param {readonly string[]} lines
 * @param {string} app
 * @returns {number}
 */
export function saneTestAccuracy(lines, app) {
  const line = lines.find((l) => l.startsWith('test accuracy:'));
  const accuracy = Number(/^test accuracy: (\d+(?:\.\d+)?) %$/.exec(line ?? '')?.[1] ?? Number.NaN);
  const { min, max } = SANE_ACCURACY_PERCENT;
  if (!(accuracy >= min && accuracy <= max)) {
    throw new Error(
      `${app}: expected a line "test accuracy: <${min}–${max}> %", got ${JSON.stringify(line ?? lines.join('\n'))}`,
    );
  }
  return accuracy;
}
