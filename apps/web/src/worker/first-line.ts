/** The first line of an error's message: what the page shows. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.trim().split('\n')[0] ?? 'unknown error';
}
