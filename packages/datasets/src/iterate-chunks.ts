/**
 * The chunks of a ReadableStream or an async iterable, in order. Async iteration over a
 * ReadableStream works only in recent browsers; a reader works in all.
 */
export async function* iterateChunks(
  chunks: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
): AsyncGenerator<Uint8Array> {
  if (!('getReader' in chunks)) {
    yield* chunks;
    return;
  }
  const reader = chunks.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    // Stops the source when reading ends early (an error, an oversized archive).
    await reader.cancel().catch(() => {});
    reader.releaseLock();
  }
}
