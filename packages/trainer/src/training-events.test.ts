import type { ReportEvent } from '@cnnkit/contracts';
import { describe, expect, it } from 'vitest';
import { emitTrainingEvent, TrainingProgressEvent } from './training-events.js';

const report: ReportEvent = {
  type: 'report',
  epoch: 0,
  batch: 1999,
  step: 2000,
  loss: 2.19,
  text: '[1,  2000] loss: 2.190',
};

describe('TrainingProgressEvent', () => {
  it('runs its TSDoc example', async () => {
    const printed: string[] = [];
    const events = new EventTarget();
    events.addEventListener('report', (e) => {
      printed.push((e as TrainingProgressEvent<ReportEvent>).detail.text);
    });
    await emitTrainingEvent({ events }, report);
    expect(printed).toEqual(['[1,  2000] loss: 2.190']);
  });

  it('goes to the EventTarget first, then waits for the async callback', async () => {
    const order: string[] = [];
    const events = new EventTarget();
    events.addEventListener('report', () => order.push('target'));
    await emitTrainingEvent(
      {
        events,
        onEvent: async (event) => {
          await new Promise((resolve) => setTimeout(resolve, 5));
          order.push(`callback ${event.type}`);
        },
      },
      report,
    );
    expect(order).toEqual(['target', 'callback report']);
    expect(new TrainingProgressEvent(report).type).toBe('report');
  });
});
