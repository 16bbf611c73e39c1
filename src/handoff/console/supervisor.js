// @ts-check
/* global document, window */
/**
 * The supervisor view: today's or the last 7 days' queue length and waiting time, handoffs by
 * reason, tickets per service type and channel, where seller applicants stop, and bot-only against
 * officer-handled completion. Charts by Chart.js (served by the service as /agent/assets/chartlib.js,
 * loaded only when the view is opened); every chart has its numbers as a table beside it, and all
 * of them download as CSV.
 */

/** @import { Child } from './types.js' */
import { s, sOr } from './strings.js';
import { h } from './dom.js';
import { api, API } from './api.js';
import { state } from './state.js';
import { ui } from './skeleton.js';
import { handleApiError } from './banners.js';

/** @typedef {'today' | '7d'} StatsRange */

/** Chart.js's UMD build, served by consolePage.ts from the chart.js package. */
const CHART_LIB = '/agent/assets/chartlib.js';
/** @type {Promise<any> | null} */
let chartLib = null;
/** @type {any[]} */
let charts = [];

/** Loads Chart.js once (a script of the service's own origin, as the page's CSP allows). */
function loadChartLib() {
  chartLib ??= new Promise((resolve, reject) => {
    const script = h('script', { src: CHART_LIB });
    script.addEventListener('load', () => resolve(/** @type {any} */ (window).Chart));
    script.addEventListener('error', () => {
      chartLib = null;
      reject(new Error('chart library not loaded'));
    });
    document.head.append(script);
  });
  return chartLib;
}

/** Shows the supervisor view (or the queue again) in place of the queue and conversation panes. */
export function toggleSupervisor() {
  const open = ui.supervisor.hidden;
  ui.supervisor.hidden = !open;
  ui.layout.hidden = open;
  ui.supervisorToggle.setAttribute('aria-pressed', String(open));
  ui.supervisorToggle.textContent = open ? s('supervisor.back') : s('supervisor.open');
  if (open) loadStats(state.statsRange);
}

/** Hides the view and forgets its charts (sign-out). */
export function resetSupervisor() {
  for (const chart of charts) chart.destroy();
  charts = [];
  ui.supervisor.hidden = true;
  ui.layout.hidden = false;
  ui.supervisorToggle.hidden = true;
  ui.supervisorToggle.setAttribute('aria-pressed', 'false');
  ui.supervisorToggle.textContent = s('supervisor.open');
}

/** Fetches the figures of `range` and draws them. */
export async function loadStats(/** @type {StatsRange} */ range) {
  state.statsRange = range;
  for (const [name, button] of Object.entries(ui.statsRanges)) button.setAttribute('aria-pressed', String(name === range));
  ui.statsCsv.setAttribute('href', `${API}/supervisor/stats.csv?range=${range}`);
  ui.statsBody.replaceChildren(h('p', { class: 'hint' }, s('loading')));
  let stats;
  let Chart;
  try {
    [stats, Chart] = await Promise.all([api('GET', `/supervisor/stats?range=${range}`), loadChartLib()]);
  } catch (err) {
    ui.statsBody.replaceChildren(h('p', { class: 'note note--warning' }, s('supervisor.failed')));
    await handleApiError(err);
    return;
  }
  if (ui.supervisor.hidden || state.statsRange !== range) return;
  draw(stats, Chart);
}

/**
 * @param {any} stats the server's SupervisorStats
 * @param {any} Chart
 */
function draw(stats, Chart) {
  for (const chart of charts) chart.destroy();
  charts = [];
  const daily = stats.range === '7d';
  // In the officers' time zone (the server's buckets start at its midnights), whatever the browser's.
  const zone = typeof stats.timeZone === 'string' ? stats.timeZone : undefined;
  const format = new Intl.DateTimeFormat(document.documentElement.lang || undefined, daily ? { weekday: 'short', day: 'numeric', month: 'short', timeZone: zone } : { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: zone });
  const when = (/** @type {string} */ iso) => format.format(new Date(iso));
  const queue = Array.isArray(stats.queue) ? stats.queue : [];
  const reasons = Object.entries(stats.handoffsByReason ?? {});
  const services = Array.isArray(stats.ticketsByServiceType) ? stats.ticketsByServiceType : [];
  const channels = Array.isArray(stats.ticketsByChannel) ? stats.ticketsByChannel : [];
  const funnel = Array.isArray(stats.sellerFunnel) ? stats.sellerFunnel : [];
  const completion = stats.completion ?? { botOnly: 0, officer: 0 };
  const stepLabel = (/** @type {string} */ step) => (step === 'filed' ? s('supervisor.filed') : step === 'photo' ? s('supervisor.photo') : sOr(`fields.${step}`, step));

  /** @type {Array<{ id: string, title: string, type: string, labels: string[], series: Array<{ label: string, data: Array<number | null>, axis?: string }>, horizontal?: boolean }>} */
  const specs = [
    {
      id: 'queue',
      title: s('supervisor.queue'),
      type: 'line',
      labels: queue.map((/** @type {any} */ p) => when(p.at)),
      series: [
        { label: s('supervisor.waiting'), data: queue.map((/** @type {any} */ p) => p.waiting) },
        { label: s('supervisor.medianWait'), data: queue.map((/** @type {any} */ p) => (p.medianWaitSeconds === null ? null : Math.round(p.medianWaitSeconds / 6) / 10)), axis: 'y1' },
      ],
    },
    { id: 'reasons', title: s('supervisor.reasons'), type: 'bar', labels: reasons.map(([r]) => sOr(`reason.${r}`, r)), series: [{ label: s('supervisor.handoffs'), data: reasons.map(([, n]) => Number(n)) }] },
    {
      id: 'services',
      title: s('supervisor.services'),
      type: 'bar',
      horizontal: true,
      labels: services.map((/** @type {any} */ t) => String(t.serviceType)),
      series: [{ label: s('supervisor.tickets'), data: services.map((/** @type {any} */ t) => t.count) }],
    },
    { id: 'channels', title: s('supervisor.channels'), type: 'bar', labels: channels.map((/** @type {any} */ t) => sOr(`channel.${t.channel}`, t.channel)), series: [{ label: s('supervisor.tickets'), data: channels.map((/** @type {any} */ t) => t.count) }] },
    { id: 'funnel', title: s('supervisor.funnel'), type: 'bar', horizontal: true, labels: funnel.map((/** @type {any} */ f) => stepLabel(f.step)), series: [{ label: s('supervisor.applicants'), data: funnel.map((/** @type {any} */ f) => f.reached) }] },
    { id: 'completion', title: s('supervisor.completion'), type: 'doughnut', labels: [s('supervisor.botOnly'), s('supervisor.byOfficer')], series: [{ label: s('supervisor.tickets'), data: [completion.botOnly, completion.officer] }] },
  ];
  const colours = ['#0a5a90', '#b45309', '#17663f', '#6b21a8', '#b42318', '#475569'];
  ui.statsBody.replaceChildren(
    ...specs.map((spec) => {
      const canvas = h('canvas', { role: 'img', 'aria-label': `${spec.title}: ${summary(spec)}`, testid: `chart-${spec.id}` });
      const figure = h(
        'figure',
        { class: 'stats__card', testid: `stats-${spec.id}` },
        h('figcaption', { class: 'stats__title' }, spec.title),
        h('div', { class: 'stats__chart' }, canvas),
        numbers(spec),
      );
      const chart = new Chart(canvas, {
        type: spec.type,
        data: {
          // Long catalogue names shortened on the axis; the table under the chart has them whole.
          labels: spec.labels.map(shortLabel),
          datasets: spec.series.map((series, i) => ({
            label: series.label,
            data: series.data,
            yAxisID: spec.type === 'line' ? (series.axis ?? 'y') : undefined,
            backgroundColor: spec.type === 'doughnut' ? colours : colours[i],
            borderColor: spec.type === 'doughnut' ? '#fff' : colours[i],
            tension: 0.2,
          })),
        },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          indexAxis: spec.horizontal ? 'y' : 'x',
          plugins: { legend: { display: spec.series.length > 1 || spec.type === 'doughnut' } },
          scales:
            spec.type === 'doughnut'
              ? {}
              : spec.type === 'line'
                ? { y: { beginAtZero: true, ticks: { precision: 0 } }, y1: { beginAtZero: true, position: 'right', grid: { drawOnChartArea: false } } }
                : { [spec.horizontal ? 'x' : 'y']: { beginAtZero: true, ticks: { precision: 0 } } },
        },
      });
      charts.push(chart);
      return figure;
    }),
  );
}

/** An axis label of at most 26 characters. */
function shortLabel(/** @type {string} */ label) {
  const chars = Array.from(label);
  return chars.length > 26 ? `${chars.slice(0, 25).join('')}…` : label;
}

/** The figures of a chart in words, for its accessible name. */
function summary(/** @type {{ labels: string[], series: Array<{ label: string, data: Array<number | null> }> }} */ spec) {
  const first = spec.series[0];
  if (!first || spec.labels.length === 0) return s('supervisor.noData');
  return spec.labels.map((label, i) => `${label} ${first.data[i] ?? '–'}`).join(', ');
}

/** The chart's numbers as a table, folded under it. */
function numbers(/** @type {{ labels: string[], series: Array<{ label: string, data: Array<number | null> }> }} */ spec) {
  /** @type {Child[]} */
  const rows = spec.labels.map((label, i) => h('tr', {}, h('th', { scope: 'row' }, label), ...spec.series.map((series) => h('td', {}, String(series.data[i] ?? '–')))));
  return h(
    'details',
    { class: 'stats__numbers' },
    h('summary', {}, s('supervisor.numbers')),
    h('table', {}, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, s('supervisor.item')), ...spec.series.map((series) => h('th', { scope: 'col' }, series.label)))), h('tbody', {}, ...rows)),
  );
}
