import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import {
  accuracyScales,
  accuracySummary,
  lossSummary,
  speedSummary,
  tableRowIndices,
} from './chart-text.js';

type Columns = [number[], ...number[][]];

/** Rows a chart's data table lists at most (evenly spread over a long run). */
const TABLE_ROWS = 20;

/**
 * One uPlot chart with its text alternatives: the chart is an image whose accessible name
 * summarises the data, and a collapsed data table below it lists the points.
 */
class Chart {
  readonly data: Columns;
  private readonly plot: uPlot;
  private readonly table: HTMLTableElement;
  private readonly details: HTMLDetailsElement;
  private readonly summary: (data: Columns) => string;
  private readonly maxTableRows: number;

  constructor(
    readonly element: HTMLElement,
    private readonly columns: readonly { readonly label: string; readonly digits: number }[],
    options: {
      readonly series: uPlot.Series[];
      readonly xLabel: string;
      readonly yLabel: string;
      readonly scales?: uPlot.Scales;
      readonly xIncrements?: number[];
      readonly maxTableRows: number;
      readonly summary: (data: Columns) => string;
    },
  ) {
    this.data = [[], ...options.series.map(() => [])] as unknown as Columns;
    this.summary = options.summary;
    this.maxTableRows = options.maxTableRows;
    this.plot = new uPlot(
      {
        width: Math.max(element.clientWidth, 200),
        height: element.clientHeight - 30,
        legend: { show: true, live: false },
        cursor: { drag: { x: false, y: false } },
        scales: { x: { time: false }, ...options.scales },
        axes: [
          {
            label: options.xLabel,
            size: 36,
            labelSize: 16,
            ...(options.xIncrements ? { incrs: options.xIncrements } : {}),
          },
          { label: options.yLabel, size: 48, labelSize: 16 },
        ],
        series: [{ label: options.xLabel }, ...options.series],
      },
      this.data as uPlot.AlignedData,
      element,
    );
    element.setAttribute('role', 'img');
    this.details = document.createElement('details');
    this.details.className = 'chart-data';
    const summary = document.createElement('summary');
    summary.textContent = 'Data table';
    this.table = document.createElement('table');
    this.details.append(summary, this.table);
    this.details.addEventListener('toggle', () => this.renderTable());
    element.after(this.details);
    this.redraw();
  }

  resize(): void {
    this.plot.setSize({
      width: Math.max(this.element.clientWidth, 200),
      height: this.element.clientHeight - 30,
    });
  }

  redraw(): void {
    this.plot.setData(this.data as uPlot.AlignedData);
    const { element } = this;
    element.dataset.points = String(this.data[0].length);
    const { x, y } = this.plot.scales;
    element.dataset.xRange = `${x?.min ?? ''} ${x?.max ?? ''}`;
    element.dataset.yRange = `${y?.min ?? ''} ${y?.max ?? ''}`;
    element.setAttribute('aria-label', this.summary(this.data));
    this.renderTable();
  }

  /** Fills the table only while it is open: a run redraws many times a second. */
  private renderTable(): void {
    if (!this.details.open) return;
    const head = document.createElement('tr');
    for (const { label } of this.columns) {
      const th = document.createElement('th');
      th.scope = 'col';
      th.textContent = label;
      head.append(th);
    }
    const rows = tableRowIndices(this.data[0].length, this.maxTableRows).map((i) => {
      const tr = document.createElement('tr');
      this.columns.forEach(({ digits }, c) => {
        const cell = document.createElement(c === 0 ? 'th' : 'td');
        if (c === 0) (cell as HTMLTableCellElement).scope = 'row';
        cell.textContent = (this.data[c]?.[i] ?? Number.NaN).toFixed(digits);
        tr.append(cell);
      });
      return tr;
    });
    const caption = document.createElement('caption');
    caption.textContent =
      this.data[0].length > this.maxTableRows
        ? `${this.maxTableRows} of ${this.data[0].length.toLocaleString('en-US')} points, evenly spread`
        : `${this.data[0].length} point${this.data[0].length === 1 ? '' : 's'}`;
    this.table.replaceChildren(caption, head, ...rows);
  }
}

/** The three live charts of a training run: loss per batch, accuracy per epoch, images/s. */
export class TrainingCharts {
  private readonly loss: Chart;
  private readonly accuracy: Chart;
  private readonly speed: Chart;
  private smoothed: number | undefined;
  private frame = 0;
  private epochs = 1;

  constructor(loss: HTMLElement, accuracy: HTMLElement, speed: HTMLElement) {
    this.loss = new Chart(
      loss,
      [
        { label: 'step', digits: 0 },
        { label: 'loss', digits: 4 },
        { label: 'smoothed', digits: 4 },
      ],
      {
        xLabel: 'step',
        yLabel: 'loss',
        series: [
          { label: 'loss', stroke: '#9fb4e6', width: 1, points: { show: false } },
          { label: 'smoothed', stroke: '#2456c9', width: 2, points: { show: false } },
        ],
        maxTableRows: TABLE_ROWS,
        summary: ([steps, raw, smooth]) => lossSummary(steps, raw ?? [], smooth ?? []),
      },
    );
    this.accuracy = new Chart(
      accuracy,
      [
        { label: 'epoch', digits: 0 },
        { label: 'train %', digits: 1 },
        { label: 'test %', digits: 1 },
      ],
      {
        xLabel: 'epoch',
        yLabel: 'accuracy %',
        series: [
          { label: 'train %', stroke: '#c0792b', width: 2, points: { size: 8 } },
          { label: 'test %', stroke: '#1b7a3a', width: 2, points: { size: 8 } },
        ],
        scales: {
          x: { time: false, range: () => accuracyScales(this.epochs).x },
          y: { range: () => accuracyScales(this.epochs).y },
        },
        // Whole epochs only: no tick at 1.5.
        xIncrements: [1, 2, 5, 10, 20, 50],
        maxTableRows: 100,
        summary: ([epochs, train, test]) => accuracySummary(epochs, train ?? [], test ?? []),
      },
    );
    this.speed = new Chart(
      speed,
      [
        { label: 'step', digits: 0 },
        { label: 'images/s', digits: 0 },
      ],
      {
        xLabel: 'step',
        yLabel: 'images/s',
        series: [{ label: 'images/s', stroke: '#6b3fb3', width: 2 }],
        // From 0, so a real slow-down looks like one and noise does not.
        scales: { y: { range: (_u, _min, max) => [0, max > 0 ? 1.1 * max : 1] } },
        // Up to 4 points a second: a run of the first minute lists every one; longer runs
        // list 200, evenly spread.
        maxTableRows: 200,
        summary: ([steps, speeds]) => speedSummary(steps, speeds ?? []),
      },
    );
    const charts = [this.loss, this.accuracy, this.speed];
    new ResizeObserver(() => {
      for (const chart of charts) chart.resize();
    }).observe(loss.parentElement?.parentElement ?? loss);
  }

  /** Empties the charts for a run of `epochs` epochs. */
  reset(epochs: number): void {
    this.epochs = epochs;
    for (const chart of [this.loss, this.accuracy, this.speed]) {
      for (const column of chart.data) column.length = 0;
      chart.redraw();
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
      for (const chart of [this.loss, this.accuracy, this.speed]) chart.redraw();
    });
  }
}
