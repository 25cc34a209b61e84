/**
 * A function that lets the worker handle queued messages (pause, stop) during a training run.
 * On the wasm and cpu backends a whole run can proceed on microtasks alone, so without a real
 * task boundary those messages would wait for the end of the run. A MessageChannel round trip
 * is a task that, unlike setTimeout, browsers do not clamp to 4 ms; it runs at most every
 * `intervalMs`.
 */
export function createEventLoopYield(intervalMs = 30): () => Promise<void> {
  const channel = new MessageChannel();
  const waiting: (() => void)[] = [];
  channel.port1.onmessage = () => waiting.shift()?.();
  let lastYield = 0;
  return async () => {
    const now = performance.now();
    if (now - lastYield < intervalMs) return;
    lastYield = now;
    await new Promise<void>((resolve) => {
      waiting.push(resolve);
      channel.port2.postMessage(null);
    });
  };
}
