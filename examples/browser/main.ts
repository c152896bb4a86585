/**
 * The interactive page: choose alpha, width and activation, press Run, and
 * watch the risk (with its theoretical bound when the result carries one),
 * the weight movement, the linearisation gap and the kernel change grow
 * checkpoint by checkpoint. The simulation runs in a worker (worker.ts);
 * the plots are uPlot charts. What is plotted is also exposed on
 * `window.lazyRegimeExample` and the run's state on `body[data-status]`.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { ACTIVATIONS, type Activation, type SimulationResult, type Spec } from 'lazy-regime';
import { pageSpec, type RunRequest, type WorkerReply } from './protocol.js';

/** A figure of the result that a plot draws, against t. */
type FigureKey =
  | 'risk' | 'linearRisk' | 'weightDistance' | 'linearGap' | 'testGap' | 'kernelChange';

interface PlotSpec {
  id: string;
  title: string;
  log: boolean;
  series: { key: FigureKey; label: string; stroke: string }[];
}

const PLOTS: PlotSpec[] = [
  {
    id: 'risk', title: 'Risk R(θ_t)', log: true,
    series: [
      { key: 'risk', label: 'network', stroke: '#1f5fbf' },
      { key: 'linearRisk', label: 'linearisation', stroke: '#d9822b' },
    ],
  },
  {
    id: 'weights', title: 'Weight movement ‖θ_t − θ_0‖', log: false,
    series: [{ key: 'weightDistance', label: 'network', stroke: '#1f5fbf' }],
  },
  {
    id: 'gap', title: 'Linearisation gap', log: false,
    series: [
      { key: 'linearGap', label: '‖θ_t − θ̄_t‖', stroke: '#7a3fb0' },
      { key: 'testGap', label: 'test outputs (RMS)', stroke: '#2e9c6a' },
    ],
  },
  {
    id: 'kernel', title: 'Kernel change ‖K_t − K_0‖_F / ‖K_0‖_F', log: false,
    series: [{ key: 'kernelChange', label: 'network', stroke: '#c23b3b' }],
  },
];

const BOUND = { label: 'bound R(θ_0) e^(−λ_0 t)', stroke: '#555', dash: [6, 4] };

/** What the page has plotted, keyed by figure, for inspection and tests. */
export interface PlottedRun {
  spec: Spec;
  t: number[];
  figures: Partial<Record<FigureKey | 'riskBound', (number | null)[]>>;
}

const element = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const alphaInput = element<HTMLInputElement>('alpha');
const widthInput = element<HTMLInputElement>('width');
const activationSelect = element<HTMLSelectElement>('activation');
const runButton = element<HTMLButtonElement>('run');
const statusText = element<HTMLElement>('status');

for (const name of ACTIVATIONS) activationSelect.add(new Option(name, name, name === 'tanh'));
activationSelect.value = 'tanh';

/** alpha = 2^slider, width = 2^slider: both sliders move in octaves. */
const alpha = () => 2 ** Number(alphaInput.value);
const width = () => 2 ** Number(widthInput.value);

function showChoices(): void {
  element('alpha-value').textContent = String(alpha());
  element('width-value').textContent = String(width());
}

/** Two plots side by side where the window is wide enough, at most 560 pixels each. */
function plotWidth(): number {
  return Math.floor(Math.max(320, Math.min(560, (element('plots').clientWidth - 32) / 2)));
}

/** Tick labels that stay distinct for small figures: 3 significant digits or an exponent. */
function ticks(_: uPlot, splits: (number | null)[]): string[] {
  return splits.map((v) => {
    if (v === null) return '';
    if (v === 0) return '0';
    if (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e4) return v.toExponential(1);
    return String(Number(v.toPrecision(3)));
  });
}

function makePlot(spec: PlotSpec): uPlot {
  const container = element(`plot-${spec.id}`);
  container.replaceChildren();
  return new uPlot({
    title: spec.title,
    width: plotWidth(),
    height: 260,
    scales: { x: { time: false }, y: spec.log ? { distr: 3 } : {} },
    axes: [{ label: 't' }, { values: ticks, size: 64 }],
    series: [{ label: 't' }, ...spec.series.map(({ label, stroke }) => ({ label, stroke }))],
  }, [[], ...spec.series.map(() => [])], container);
}

let plots: uPlot[] = [];
let worker: Worker | null = null;

function setStatus(status: 'idle' | 'running' | 'done' | 'error', text: string): void {
  document.body.dataset.status = status;
  statusText.textContent = text;
}

/** Figures gathered so far, one array per figure, as the plots receive them. */
function emptyColumns(): { t: number[]; columns: Record<FigureKey, (number | null)[]> } {
  return {
    t: [],
    columns: {
      risk: [], linearRisk: [], weightDistance: [], linearGap: [], testGap: [], kernelChange: [],
    },
  };
}

function redraw(t: number[], columns: Record<FigureKey, (number | null)[]>): void {
  PLOTS.forEach((spec, i) => {
    plots[i].setData([t, ...spec.series.map(({ key }) => columns[key])] as uPlot.AlignedData);
  });
}

/** Adds the theoretical risk bound to the risk plot when the result has one. */
function addBound(result: SimulationResult): (number | null)[] | null {
  const bound = (result as { theory?: { riskBound?: number[] } | null }).theory?.riskBound;
  if (!bound) return null;
  const riskPlot = plots[0];
  riskPlot.addSeries(BOUND, riskPlot.series.length);
  riskPlot.setData([...riskPlot.data, bound] as uPlot.AlignedData);
  return bound;
}

/** Reads back what each plot holds, by figure. */
function plotted(spec: Spec): PlottedRun {
  const figures: PlottedRun['figures'] = {};
  PLOTS.forEach((plotSpec, i) => {
    plotSpec.series.forEach(({ key }, j) => {
      figures[key] = [...(plots[i].data[j + 1] as (number | null)[])];
    });
  });
  if (plots[0].data.length > PLOTS[0].series.length + 1) {
    figures.riskBound = [...(plots[0].data[PLOTS[0].series.length + 1] as number[])];
  }
  return { spec, t: [...(plots[0].data[0] as number[])], figures };
}

function run(): void {
  worker?.terminate();
  plots.forEach((plot) => plot.destroy());
  plots = PLOTS.map(makePlot);
  const spec = pageSpec(alpha(), width(), activationSelect.value as Activation);
  const { t, columns } = emptyColumns();
  const record = spec.flow?.record ?? 0;
  const started = performance.now();
  setStatus('running', `running: alpha = ${alpha()}, width = ${width()}, ` +
    `${activationSelect.value}…`);

  worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = (event: MessageEvent<WorkerReply>) => {
    const message = event.data;
    if (message.type === 'checkpoint') {
      t.push(message.figures.t);
      for (const key of Object.keys(columns) as FigureKey[]) {
        columns[key].push(message.figures[key]);
      }
      redraw(t, columns);
      statusText.textContent = `running: checkpoint ${message.index + 1} of ${record}`;
    } else if (message.type === 'done') {
      const bound = addBound(message.result);
      const seconds = ((performance.now() - started) / 1000).toFixed(2);
      const { lambdaMax, dt } = message.result.meta;
      setStatus('done', `done in ${seconds} s: lambda_max(K_0) = ${lambdaMax.toPrecision(4)}, ` +
        `dt = ${dt.toPrecision(3)}${bound ? '' : ' (no theoretical bound in this build)'}`);
      Object.assign(window, { lazyRegimeExample: plotted(spec) });
      worker?.terminate();
      worker = null;
    } else {
      setStatus('error', `${message.name}: ${message.message}`);
      worker?.terminate();
      worker = null;
    }
  };
  worker.onerror = (event) => setStatus('error', `worker failed: ${event.message}`);
  worker.postMessage({ spec } satisfies RunRequest);
}

alphaInput.addEventListener('input', showChoices);
widthInput.addEventListener('input', showChoices);
runButton.addEventListener('click', run);
showChoices();
plots = PLOTS.map(makePlot);
setStatus('idle', 'choose alpha, width and activation, then press Run');
