// Small DOM helpers: elements built with textContent only (no HTML strings from data), tables,
// loading / empty / error states, and charts that always come with their data table.
import { ApiError } from './api.js';
import { CPV_DIVISIONS, DEPARTEMENTS, EPCI, territoryLabel } from './format.js';

/** h('a', { href: '/x', class: 'btn' }, 'text', child...) — strings become text nodes. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value') el.value = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export const link = (href, text, attrs = {}) => h('a', { href, ...attrs }, text);

/** A heading section: <section aria-labelledby> with an h2. */
let ids = 0;
export function section(title, ...children) {
  const id = `s${++ids}`;
  return h('section', { class: 'block', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

/** Key figures: [{ label, value, note? }]. */
export function figures(items) {
  return h(
    'dl',
    { class: 'figures' },
    items.map((f) => h('div', { class: 'figure' }, h('dt', null, f.label), h('dd', null, h('span', { class: 'figure-value' }, f.value), f.note ? h('span', { class: 'figure-note' }, f.note) : null))),
  );
}

/** A definition list of [label, value] pairs; null values are left out. */
export function facts(pairs) {
  return h(
    'dl',
    { class: 'facts' },
    pairs.filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k, v]) => h('div', null, h('dt', null, k), h('dd', null, v))),
  );
}

/**
 * A data table. columns: [{ label, value: (row) => Node|string, num?: true }]. caption is required (accessibility).
 */
export function table(caption, columns, rows, { empty = 'Aucune ligne.', captionHidden = false } = {}) {
  if (!rows || rows.length === 0) return h('p', { class: 'empty' }, empty);
  return h(
    'div',
    { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': caption },
    h(
      'table',
      null,
      h('caption', { class: captionHidden ? 'visually-hidden' : null }, caption),
      h('thead', null, h('tr', null, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label)))),
      h(
        'tbody',
        null,
        rows.map((r) => h('tr', null, columns.map((c, i) => h(i === 0 && c.rowHeader ? 'th' : 'td', { class: c.num ? 'num' : null, scope: i === 0 && c.rowHeader ? 'row' : null }, c.value(r))))),
      ),
    ),
  );
}

export function loading(text = 'Chargement…') {
  return h('p', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }), text);
}

/** « mise à jour en cours » while the analytics projection catches up with the log (the answer's `freshness`). */
export function freshnessNotice(answer) {
  const f = answer?.freshness;
  if (!f?.catchingUp) return null;
  return h('p', { class: 'notice notice-info', role: 'status', 'data-freshness': 'catching-up' }, `Mise à jour en cours : ${f.lag} événement(s) restent à intégrer, les chiffres vont encore évoluer.`);
}

export function empty(text) {
  return h('p', { class: 'empty' }, text);
}

/** The French message of an API failure; "indisponible" when the API route does not exist yet. */
export function errorBox(err, what = 'ces données') {
  if (err instanceof ApiError && err.unavailable) {
    return h('div', { class: 'notice notice-unavailable', role: 'status' }, h('strong', null, 'Service indisponible. '), `Le service qui fournit ${what} n’est pas encore disponible sur ce serveur.`);
  }
  if (err instanceof ApiError && err.notFound) {
    return h('div', { class: 'notice notice-error', role: 'alert' }, h('strong', null, 'Introuvable. '), `${err.message}`);
  }
  if (err instanceof ApiError && err.status === 400) {
    return h('div', { class: 'notice notice-error', role: 'alert' }, h('strong', null, 'Filtre invalide. '), err.message, err.correlationId ? h('span', { class: 'corr' }, ` (référence ${err.correlationId})`) : null);
  }
  const message = err instanceof ApiError ? err.message : 'Une erreur inattendue est survenue.';
  return h(
    'div',
    { class: 'notice notice-error', role: 'alert' },
    h('strong', null, 'Erreur. '),
    `Impossible de charger ${what} : ${message}`,
    err?.correlationId ? h('span', { class: 'corr' }, ` (référence ${err.correlationId})`) : null,
  );
}

/**
 * Fill `slot` from an async loader: loading state, then the render function's output, or an error box.
 * Errors never escape: one failing block does not break the page.
 */
export async function fill(slot, load, render, what) {
  slot.replaceChildren(loading());
  slot.setAttribute('aria-busy', 'true');
  try {
    const data = await load();
    // A synchronous render is inserted in the same tick: a chart built by it (chartFigure) must be connected
    // before Chart.js, once loaded, draws it on the next microtask.
    const out = render(data);
    slot.replaceChildren(...[].concat(out instanceof Promise ? await out : out).filter(Boolean));
    return data;
  } catch (err) {
    if (err?.name === 'AbortError') return undefined;
    slot.replaceChildren(errorBox(err, what));
    return undefined;
  } finally {
    slot.removeAttribute('aria-busy');
  }
}

// ---------------------------------------------------------------------------------------------------------
// Charts: Chart.js (UMD build served at /vendor/chart.js) loaded on demand; without it the table remains.
let chartLib;
export function loadChartLib() {
  if (window.Chart) return Promise.resolve(window.Chart);
  if (!chartLib) {
    chartLib = new Promise((resolve) => {
      const s = document.createElement('script');
      s.src = '/vendor/chart.js';
      s.async = true;
      s.onload = () => resolve(window.Chart || null);
      s.onerror = () => resolve(null);
      document.head.append(s);
    });
  }
  return chartLib;
}

const PALETTE = ['#1f4e79', '#c0504d', '#4f8a3c', '#8064a2', '#d08a1b'];

/**
 * A figure: the chart (canvas, role=img with a text summary) and under it the same data as a table.
 * spec: { title, summary, labels, series: [{ label, values, format }], type: 'bar'|'line', yFormat, percent? }
 */
export function chartFigure(spec) {
  const canvas = h('canvas', { role: 'img', 'aria-label': `${spec.title}. ${spec.summary || ''} Les valeurs sont dans le tableau qui suit.` });
  const box = h('div', { class: 'chart-box' }, canvas);
  const fmt = spec.yFormat || String;
  const tbl = table(
    `${spec.title} (données du graphique)`,
    [{ label: spec.xLabel || 'Année', value: (r) => r.label, rowHeader: true }, ...spec.series.map((s, i) => ({ label: s.label, num: true, value: (r) => (s.format || fmt)(r.values[i]) }))],
    spec.labels.map((label, j) => ({ label, values: spec.series.map((s) => s.values[j]) })),
  );
  const fig = h('figure', { class: 'chart' }, h('figcaption', null, spec.title), box, tbl);
  loadChartLib().then((Chart) => {
    if (!Chart || !canvas.isConnected) {
      box.remove();
      return;
    }
    new Chart(canvas, {
      type: spec.type || 'bar',
      data: {
        labels: spec.labels,
        datasets: spec.series.map((s, i) => ({
          label: s.label,
          data: s.values,
          backgroundColor: PALETTE[i % PALETTE.length],
          borderColor: PALETTE[i % PALETTE.length],
          borderWidth: spec.type === 'line' || s.type === 'line' ? 2 : 0,
          maxBarThickness: 90,
          pointRadius: 4,
          yAxisID: s.axis || 'y',
          type: s.type,
          spanGaps: true,
        })),
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        locale: 'fr-FR',
        plugins: {
          legend: { display: spec.series.length > 1, position: 'bottom' },
          tooltip: { callbacks: { label: (c) => `${c.dataset.label} : ${(spec.series[c.datasetIndex].format || fmt)(c.raw)}` } },
        },
        scales: {
          y: { beginAtZero: true, max: spec.percent ? 1 : undefined, ticks: { callback: (v) => (spec.series[0].axisFormat || fmt)(v) } },
          ...(spec.series.some((s) => s.axis === 'y2') ? { y2: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false }, ticks: { precision: 0 } } } : {}),
        },
      },
    });
  });
  return fig;
}

// ---------------------------------------------------------------------------------------------------------
// Form controls shared by several pages.

export function field(label, control, hint) {
  const id = control.id || `f${++ids}`;
  control.id = id;
  const hintId = hint ? `${id}-hint` : null;
  if (hintId) control.setAttribute('aria-describedby', hintId);
  return h('div', { class: 'field' }, h('label', { for: id }, label), control, hint ? h('p', { class: 'hint', id: hintId }, hint) : null);
}

/** Territory select: Bretagne, the 4 départements, the main EPCI (value = the API's `territoire`). */
export function territorySelect(name, current, { allowAll = true } = {}) {
  const opts = [];
  if (allowAll) opts.push(h('option', { value: '' }, 'Tous territoires'));
  opts.push(h('option', { value: 'bretagne' }, 'Bretagne (région)'));
  opts.push(h('optgroup', { label: 'Départements' }, Object.entries(DEPARTEMENTS).map(([c, n]) => h('option', { value: `departement:${c}` }, `${n} (${c})`))));
  opts.push(h('optgroup', { label: 'Intercommunalités' }, Object.entries(EPCI).sort(([, a], [, b]) => a.localeCompare(b, 'fr')).map(([c, n]) => h('option', { value: `epci:${c}` }, n))));
  const sel = h('select', { name }, opts);
  if (current && ![...sel.options].some((o) => o.value === current)) sel.append(h('option', { value: current }, territoryLabel(current)));
  sel.value = current || '';
  return sel;
}

export function cpvSelect(name, current, { allowAll = true } = {}) {
  const sel = h(
    'select',
    { name },
    allowAll ? h('option', { value: '' }, 'Tous secteurs') : null,
    Object.entries(CPV_DIVISIONS)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([c, n]) => h('option', { value: c }, `${c} – ${n}`)),
  );
  if (current && ![...sel.options].some((o) => o.value === current)) sel.append(h('option', { value: current }, `Code CPV commençant par ${current}`));
  sel.value = current || '';
  return sel;
}

export function yearSelect(name, current, { from = 2019 } = {}) {
  const last = new Date().getFullYear();
  const sel = h('select', { name }, h('option', { value: '' }, 'Toutes années'));
  for (let y = last; y >= from; y--) sel.append(h('option', { value: String(y) }, String(y)));
  if (current && ![...sel.options].some((o) => o.value === current)) sel.append(h('option', { value: current }, current));
  sel.value = current || '';
  return sel;
}

/**
 * A GET filter form: on submit (or on change of a select), the non-empty values become the page's URL query.
 */
export function filterForm(ctx, controls, { submitLabel = 'Appliquer', autoSubmit = true, label = 'Filtres' } = {}) {
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': label, method: 'get', action: location.pathname }, controls, h('div', { class: 'field field-submit' }, h('button', { type: 'submit', class: 'btn btn-primary' }, submitLabel)));
  const go = () => {
    const params = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (String(v).trim() !== '') params.append(k, String(v).trim());
    const qs = params.toString();
    ctx.navigate(`${location.pathname}${qs ? `?${qs}` : ''}`, { keepFocus: true });
  };
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    go();
  });
  if (autoSubmit) form.addEventListener('change', (e) => (e.target.tagName === 'SELECT' ? go() : null));
  return form;
}

/** Keep the highlight's <mark> elements and text only (the API escapes it; this is defence in depth). */
export function safeHighlight(html) {
  const tpl = document.createElement('template');
  tpl.innerHTML = html;
  const out = document.createDocumentFragment();
  const walk = (node, into) => {
    for (const c of node.childNodes) {
      if (c.nodeType === Node.TEXT_NODE) into.append(document.createTextNode(c.textContent));
      else if (c.nodeType === Node.ELEMENT_NODE && c.tagName === 'MARK') {
        const m = document.createElement('mark');
        walk(c, m);
        into.append(m);
      } else if (c.nodeType === Node.ELEMENT_NODE) walk(c, into);
    }
  };
  walk(tpl.content, out);
  return out;
}

export function badge(text, kind = '') {
  return h('span', { class: `badge ${kind ? `badge-${kind}` : ''}` }, text);
}
