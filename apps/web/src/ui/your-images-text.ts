import type { ImageFolderSummary } from '../protocol.js';

/** How the images were split, in words: "train/ and val/ folders", "10 % of each class, seed 0". */
export function splitText(split: ImageFolderSummary['report']['split']): string {
  switch (split.kind) {
    case 'folders':
      return `Split: the ${split.train}/ folder for training, ${split.val}/ for validation.`;
    case 'seeded':
      return `Split: no train/ and val/ folders, so ${+(100 * split.valSplit).toFixed(1)} % of each class (at least one image of a class of two) is held out for validation (seed ${split.seed}).`;
    default:
      return 'Split: none, every image is for evaluation.';
  }
}

/** "2 files skipped: notes.txt (not an image), …" or `undefined` when none was. */
export function skippedText(report: ImageFolderSummary['report']): string | undefined {
  if (report.skippedCount === 0) return undefined;
  const shown = report.skipped.map((file) => `${file.path} (${file.reason})`).join('; ');
  const more =
    report.skippedCount > report.skipped.length
      ? `; and ${(report.skippedCount - report.skipped.length).toLocaleString('en-US')} more`
      : '';
  return `${report.skippedCount.toLocaleString('en-US')} file${report.skippedCount === 1 ? '' : 's'} skipped: ${shown}${more}.`;
}

/** "1 hidden or system file ignored (.DS_Store, __MACOSX/, …)." or `undefined`. */
export function hiddenText(count: number): string | undefined {
  if (count === 0) return undefined;
  return `${count.toLocaleString('en-US')} hidden or system file${count === 1 ? '' : 's'} ignored (.DS_Store, __MACOSX/, Thumbs.db, …).`;
}
