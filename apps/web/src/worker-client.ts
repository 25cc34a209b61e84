import type { WorkerEvent, WorkerReply, WorkerRequest, WorkerResults } from './protocol.js';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** The page's side of the training worker: promise-returning requests plus an event stream. */
export class WorkerClient {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(onEvent: (event: WorkerEvent) => void) {
    this.worker = new Worker(new URL('./worker/training-worker.ts', import.meta.url), {
      type: 'module',
      name: 'cnnkit-training',
    });
    this.worker.onmessage = (message: MessageEvent<WorkerReply>) => {
      const reply = message.data;
      if (reply.type === 'event') {
        onEvent(reply.event);
        return;
      }
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.ok) waiting?.resolve(reply.result);
      else waiting?.reject(new Error(reply.error));
    };
    this.worker.onerror = (event) => {
      const error = new Error(`the training worker crashed: ${event.message || 'unknown error'}`);
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
  }

  request<K extends WorkerRequest['type']>(
    request: Extract<WorkerRequest, { type: K }>,
    transfer: Transferable[] = [],
  ): Promise<WorkerResults[K]> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.worker.postMessage({ ...request, id }, transfer);
    });
  }
}
