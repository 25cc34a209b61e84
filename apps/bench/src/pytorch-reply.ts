import type { TimedRun } from './types.js';

/** What the PyTorch reference says about itself (its `info` reply). */
export interface ReferenceInfo {
  readonly torch: string;
  readonly threads: number;
  readonly trainImages: number;
  readonly testImages: number;
}

type Reply = Readonly<Record<string, unknown>>;

/**
 * Parses one line of `bench_reference.py --serve` output: a JSON object with `"ok": true`.
 * Throws with the reference's own error for `"ok": false`, and quotes the line when it is not
 * a reply at all (a Python traceback, a stray print).
 *
 * @example
 * ```ts
 * parseReply('{"ok": true, "images": 64, "seconds": 0.05}'); // { ok: true, images: 64, seconds: 0.05 }
 * ```
 */
export function parseReply(line: string): Reply {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    throw new Error(`The PyTorch reference printed something that is not JSON: ${quote(line)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`The PyTorch reference replied with a non-object: ${quote(line)}`);
  }
  const reply = value as Reply;
  if (reply.ok === false) {
    throw new Error(`The PyTorch reference failed: ${String(reply.error ?? 'no error message')}`);
  }
  if (reply.ok !== true) {
    throw new Error(`The PyTorch reference reply has no "ok": true: ${quote(line)}`);
  }
  return reply;
}

function quote(line: string): string {
  const trimmed = line.trim();
  return JSON.stringify(trimmed.length > 200 ? `${trimmed.slice(0, 200)}…` : trimmed);
}

function field(reply: Reply, name: string, kind: 'string' | 'count' | 'seconds'): string | number {
  const value = reply[name];
  const ok =
    kind === 'string'
      ? typeof value === 'string'
      : typeof value === 'number' &&
        Number.isFinite(value) &&
        (kind === 'count' ? Number.isInteger(value) && value >= 0 : value > 0);
  if (!ok) {
    const wanted = { string: 'a string', count: 'a whole number', seconds: 'a positive number' };
    throw new Error(
      `The PyTorch reference reply needs "${name}" as ${wanted[kind]}, got ${JSON.stringify(value)}.`,
    );
  }
  return value as string | number;
}

/** The torch version, threads and data sizes of an `info` (or `ready`) reply. */
export function readInfo(reply: Reply): ReferenceInfo {
  return {
    torch: field(reply, 'torch', 'string') as string,
    threads: field(reply, 'threads', 'count') as number,
    trainImages: field(reply, 'trainImages', 'count') as number,
    testImages: field(reply, 'testImages', 'count') as number,
  };
}

/** Images and seconds of a `train` or `eval` reply. */
export function readTimedRun(reply: Reply): TimedRun {
  return {
    images: field(reply, 'images', 'count') as number,
    seconds: field(reply, 'seconds', 'seconds') as number,
  };
}
