/**
 * What the page shows of an error: its whole message, trimmed (some messages list their
 * problems one per line, such as weights that do not fit the model), never its stack.
 */
export function errorMessage(error: unknown): string {
  const message = (error instanceof Error ? error.message : String(error)).trim();
  return message === '' ? 'unknown error' : message;
}
