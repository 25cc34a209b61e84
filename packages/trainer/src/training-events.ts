import type { TrainingEvent } from '@cnnkit/contracts';

/**
 * A DOM `Event` carrying one {@link @cnnkit/contracts!TrainingEvent} in `detail`; its `type` is the event's
 * `type` (`'batch-end'`, `'report'`, `'epoch-end'`, `'checkpoint'`).
 *
 * @example
 * ```ts
 * const events = new EventTarget();
 * events.addEventListener('report', (e) => {
 *   console.log((e as TrainingProgressEvent<ReportEvent>).detail.text);
 * });
 * // train({ ..., events })
 * ```
 */
export class TrainingProgressEvent<T extends TrainingEvent = TrainingEvent> extends Event {
  readonly detail: T;

  constructor(detail: T) {
    super(detail.type);
    this.detail = detail;
  }
}

/** Where {@link train} sends its events: an optional callback (awaited) and an optional EventTarget. */
export interface TrainingEventSinks {
  readonly onEvent?: (event: TrainingEvent) => void | Promise<void>;
  readonly events?: EventTarget;
}

/** Delivers one event to every sink, waiting for an async callback before training goes on. */
export async function emitTrainingEvent(
  sinks: TrainingEventSinks,
  event: TrainingEvent,
): Promise<void> {
  sinks.events?.dispatchEvent(new TrainingProgressEvent(event));
  await sinks.onEvent?.(event);
}
