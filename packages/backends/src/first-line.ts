/** The first line of an error's message without its final full stop, for one-line reports. */
export function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.trim().split('\n')[0]?.trim() || 'unknown error').replace(/\.+$/, '');
}
