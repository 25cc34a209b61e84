import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

type Columns = [number[], ...(number | null)[][]];

interface Chart {
  readonly element: HTMLElement;
  readonly plot: uPlot;
  readonly data: Columns;
}

function makeChart(
  element: HTMLElement,
  xLabel: string,
  series: uPlot.Series[],
  yLabel: string,
): Chart {
  const data = [[], ...series.map(() => [])] as unknown as Columns;
  const plot = new uPlot(
    {
      width: Math.max(element.clientWidth, 200),
      height: element.clientHeight - 30,
      legend: { show: true, live: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: false } },
      axes: [
        { label: xLabel, size: 36, labelSize: 16 },
        { label: yLabel, size: 48, labelSize: 16 },
      ],
      series: [{ label: xLabel }, ...series],
    },
    data as uPlot.AlignedData,
    element,
  );
  element.dataset.points = '0';
  return { element, plot, data };
}

function redraw(chart: Chart): void {
  chart.plot.setData(chart.data as uPlot.AlignedData);
  chart.element.dataset.points = String(chart.data[0].length);
}

/** The three live charts of a training run: loss per batch, accuracy per epoch, images/s. */
export class TrainingCharts {
  private readonly loss: Chart;
  private readonly accuracy: Chart;
  private readonly speed: Chart;
  private smoothed: number | undefined;
  private frame = 0;

  constructor(loss: HTMLElement, accuracy: HTMLElement, speed: HTMLElement) {
    this.loss = makeChart(
      loss,
      'step',
      [
        { label: 'loss', stroke: '#9fb4e6', width: 1, points: { show: false } },
        { label: 'smoothed', stroke: '#2456c9', width: 2, points: { show: false } },
      ],
      'loss',
    );
    this.accuracy = makeChart(
      accuracy,
      'epoch',
      [
        { label: 'train %', stroke: '#c0792b', width: 2 },
        { label: 'test %', stroke: '#1b7a3a', width: 2 },
      ],
      'accuracy %',
    );
    this.speed = makeChart(
      speed,
      'step',
      [{ label: 'images/s', stroke: '#6b3fb3', width: 2 }],
      'images/s',
    );
    const charts = [this.loss, this.accuracy, this.speed];
    new ResizeObserver(() => {
      for (const chart of charts) {
        chart.plot.setSize({
          width: Math.max(chart.element.clientWidth, 200),
          height: chart.element.clientHeight - 30,
        });
      }
    }).observe(loss.parentElement?.parentElement ?? loss);
  }

  reset(): void {
    for (const chart of [this.loss, this.accuracy, this.speed]) {
      for (const column of chart.data) column.length = 0;
      redraw(chart);
    }
    this.smoothed = undefined;
  }

  addLosses(steps: readonly number[], losses: readonly number[]): void {
    const [x, raw, smooth] = this.loss.data as [number[], number[], number[]];
    steps.forEach((step, i) => {
      const loss = losses[i] as number;
      // An exponential moving average over ~50 batches: single batch losses of 4 images jump.
      this.smoothed =
        this.smoothed === undefined ? loss : this.smoothed + 0.02 * (loss - this.smoothed);
      x.push(step);
      raw.push(loss);
      smooth.push(this.smoothed);
    });
    this.schedule();
  }

  addSpeed(step: number, imagesPerSecond: number): void {
    const [x, y] = this.speed.data as [number[], number[]];
    x.push(step);
    y.push(Math.round(imagesPerSecond));
    this.schedule();
  }

  addEpoch(epoch: number, trainAccuracy: number, testAccuracy: number): void {
    const [x, train, test] = this.accuracy.data as [number[], number[], number[]];
    x.push(epoch);
    train.push(100 * trainAccuracy);
    test.push(100 * testAccuracy);
    this.schedule();
  }

  /** Redraws at most once per animation frame, however many progress messages arrive. */
  private schedule(): void {
    if (this.frame !== 0) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      for (const chart of [this.loss, this.accuracy, this.speed]) redraw(chart);
    });
  }
}
