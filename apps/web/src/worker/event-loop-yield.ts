const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();

let lastYield = 0;

/**
 * Lets the worker handle queued messages (pause, stop) during a training run. On the wasm and
 * cpu backends a whole run can proceed on microtasks alone, so without a real task boundary
 * those messages would wait for the end of the run. A MessageChannel round trip is a task that,
 * unlike setTimeout, browsers do not clamp to 4 ms; it runs at most every `intervalMs`.
 */
export async function yieldToEventLoop(intervalMs = 30): Promise<void> {
  const now = performance.now();
  if (now - lastYield < intervalMs) return;
  lastYield = now;
  await new Promise<void>((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}
