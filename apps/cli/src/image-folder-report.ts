import type { ImageFolderReport } from '@cnnkit/datasets';
import { plural } from './plural.js';

const SHOWN = 3;

/**
 * One line about the files an image folder left out, naming the first few with the reason,
 * or undefined when there are none.
 */
export function describeSkipped(report: ImageFolderReport, source: string): string | undefined {
  const { skipped } = report;
  if (skipped.length === 0) return undefined;
  const named = skipped
    .slice(0, SHOWN)
    .map((s) => `${s.path} (${s.reason})`)
    .join('; ');
  const more =
    skipped.length > SHOWN
      ? `; and ${skipped.length - SHOWN} more (\`cnnkit info --data ${source}\` lists them all)`
      : '';
  return `skipped ${plural(skipped.length, 'file')} that cannot be used: ${named}${more}`;
}

/** `seeded split: 10 % of each class held out` / `train/ and val/ folders`. */
export function describeSplit(report: ImageFolderReport): string {
  const { split } = report;
  if (split.kind === 'folders') return `${split.train}/ for training, ${split.val}/ for validation`;
  if (split.kind === 'seeded') {
    return `no train/ and val/ folders: ${Math.round(split.valSplit * 1000) / 10} % of each class held out for validation (seed ${split.seed})`;
  }
  return 'every image evaluated (no split)';
}
