/**
 * Turns the first Ctrl-C (SIGINT) or SIGTERM into an abort request, so training stops after
 * the current batch and writes a resumable checkpoint. A second Ctrl-C exits at once.
 */
export function abortOnSignals(onFirst: (signal: NodeJS.Signals) => void): {
  readonly signal: AbortSignal;
  release(): void;
} {
  const controller = new AbortController();
  const handler = (signal: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    onFirst(signal);
    controller.abort(new Error(`received ${signal}`));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    release() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
