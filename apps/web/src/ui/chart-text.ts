/**
 * Text alternatives of the training charts: a one-sentence summary (the chart's accessible
 * name) and which points a data table lists when there are too many to list them all.
 */

/** Indices of at most `max` rows out of `count`, evenly spread, always the first and the last. */
export function tableRowIndices(count: number, max: number): number[] {
  if (count <= max) return Array.from({ length: count }, (_, i) => i);
  if (max <= 1) return [count - 1];
  const rows = new Set<number>();
  for (let r = 0; r < max; r++) rows.add(Math.round((r * (count - 1)) / (max - 1)));
  return [...rows];
}

const percent = (value: number) => `${value.toFixed(1)} %`;

/** "Training loss per batch: 500 batches; last 1.921 (smoothed 2.013), lowest 0.853 at step 320." */
export function lossSummary(
  steps: readonly number[],
  losses: readonly number[],
  smoothed: readonly number[],
): string {
  const title = 'Training loss per batch';
  const n = steps.length;
  if (n === 0) return `${title}: no batches yet.`;
  let lowest = 0;
  losses.forEach((loss, i) => {
    if (loss < (losses[lowest] as number)) lowest = i;
  });
  return `${title}: ${n.toLocaleString('en-US')} batch${n === 1 ? '' : 'es'}; last ${(losses[n - 1] as number).toFixed(3)} (smoothed ${(smoothed[n - 1] as number).toFixed(3)}), lowest ${(losses[lowest] as number).toFixed(3)} at step ${(steps[lowest] as number).toLocaleString('en-US')}.`;
}

/** "Accuracy per epoch: epoch 1 train 23.4 %, test 22.0 %; epoch 2 …" */
export function accuracySummary(
  epochs: readonly number[],
  train: readonly number[],
  test: readonly number[],
): string {
  const title = 'Accuracy per epoch';
  if (epochs.length === 0) return `${title}: no epoch finished yet.`;
  const shown = tableRowIndices(epochs.length, 10);
  return `${title}: ${shown
    .map(
      (i) =>
        `epoch ${epochs[i]} train ${percent(train[i] as number)}, test ${percent(test[i] as number)}`,
    )
    .join('; ')}.`;
}

/** "Training speed: 24 measurements; last 512 images/s, from 430 to 530 images/s." */
export function speedSummary(steps: readonly number[], speeds: readonly number[]): string {
  const title = 'Training speed';
  const n = steps.length;
  if (n === 0) return `${title}: no measurements yet.`;
  const round = (v: number) => `${Math.round(v).toLocaleString('en-US')} images/s`;
  return `${title}: ${n} measurement${n === 1 ? '' : 's'}; last ${round(speeds[n - 1] as number)} at step ${(steps[n - 1] as number).toLocaleString('en-US')}, from ${round(Math.min(...speeds))} to ${round(Math.max(...speeds))}.`;
}

/**
 * The accuracy chart's scales for a run of `epochs`: x spans the whole run from the start
 * (one epoch gets a half-epoch margin each side instead of uPlot's 0–2 around a single
 * point), y is always 0–100 % (an auto range would blow 15.2 % vs 15.8 % up to full height).
 */
export function accuracyScales(epochs: number): { x: [number, number]; y: [number, number] } {
  const last = Math.max(1, epochs);
  return { x: last === 1 ? [0.5, 1.5] : [1, last], y: [0, 100] };
}
