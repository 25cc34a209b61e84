/**
 * How the user started cnnkit, for the commands that messages suggest: `pnpm cnnkit` from a
 * clone (scripts/run-cli.mjs sets CNNKIT_INVOCATION), `cnnkit` when installed. In a clone
 * `cnnkit` alone is not on PATH, so a hint saying `cnnkit train --resume …` would not work.
 */
export function invocation(): string {
  return process.env.CNNKIT_INVOCATION?.trim() || 'cnnkit';
}

/** `path` as one shell word, quoted only when it needs to be. */
export function shellWord(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, `'\\''`)}'`;
}

/** A `cnnkit` command line to suggest, e.g. `pnpm cnnkit train --resume runs/x`. */
export function suggestedCommand(...words: string[]): string {
  return `${invocation()} ${words.join(' ')}`;
}
