import { describe, expect, it } from 'vitest';
import { parseReply, readInfo, readTimedRun } from './pytorch-reply.js';

describe('parseReply', () => {
  it('returns an ok reply as an object', () => {
    expect(parseReply('{"ok": true, "images": 64, "seconds": 0.05}')).toEqual({
      ok: true,
      images: 64,
      seconds: 0.05,
    });
  });

  it("raises the reference's own error", () => {
    expect(() =>
      parseReply('{"ok": false, "error": "ValueError: send train-setup for batch size 4 first"}'),
    ).toThrow('The PyTorch reference failed: ValueError: send train-setup for batch size 4 first');
  });

  it('quotes lines that are not replies', () => {
    expect(() => parseReply('Traceback (most recent call last):')).toThrow(
      'not JSON: "Traceback (most recent call last):"',
    );
    expect(() => parseReply('[1, 2]')).toThrow('non-object: "[1, 2]"');
    expect(() => parseReply('{"images": 4}')).toThrow('no "ok": true');
    expect(() => parseReply(`${'x'.repeat(300)}`)).toThrow(/x{200}…"$/);
  });
});

describe('readInfo and readTimedRun', () => {
  it('read the fields bench_reference.py prints', () => {
    const info = parseReply(
      '{"ok": true, "ready": true, "torch": "1.13.0a0", "threads": 1, "trainImages": 2000, "testImages": 500}',
    );
    expect(readInfo(info)).toEqual({
      torch: '1.13.0a0',
      threads: 1,
      trainImages: 2000,
      testImages: 500,
    });
    const run = parseReply(
      '{"ok": true, "batchSize": 64, "batches": 3, "images": 192, "seconds": 0.11, "loss": 2.3}',
    );
    expect(readTimedRun(run)).toEqual({ images: 192, seconds: 0.11 });
  });

  it('reject missing or malformed fields, naming them', () => {
    expect(() => readTimedRun({ ok: true, images: 192 })).toThrow(
      '"seconds" as a positive number, got undefined',
    );
    expect(() => readTimedRun({ ok: true, images: 1.5, seconds: 1 })).toThrow(
      '"images" as a whole number, got 1.5',
    );
    expect(() => readTimedRun({ ok: true, images: 4, seconds: 0 })).toThrow('got 0');
    expect(() => readInfo({ ok: true, torch: 1, threads: 1 })).toThrow(
      '"torch" as a string, got 1',
    );
  });
});
