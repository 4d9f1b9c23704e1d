import { analyticsParams, api } from '../api.js';
import { INDICATOR_HELP, euros, integer, percent, territoryLabel, cpvLabel } from '../format.js';
import { badge, chartFigure, cpvSelect, errorBox, field, fill, filterForm, freshnessNotice, h, loading, section, table, territorySelect, yearSelect } from '../ui.js';

const DEFAULT_SERIES = 'sme-share';

export async function render(main, ctx) {
  const q = ctx.query;
  const filters = analyticsParams(q);
  const indicatorKey = q.get('indicateur') || DEFAULT_SERIES;
  ctx.setTitle('Indicateurs de la charte');

  const scope = [filters.acheteur ? `Acheteur ${filters.acheteur}` : territoryLabel(filters.territoire), filters.cpv ? cpvLabel(filters.cpv) : null, filters.annee || null].filter(Boolean).join(' · ');
  const list = h('div', null, loading());
  const series = h('div');
  const csv = api.exportUrl('csv', filters);
  const xlsx = api.exportUrl('xlsx', filters);

  main.append(
    h('h1', null, 'Indicateurs de la charte'),
    h('p', { class: 'lead' }, 'Les indicateurs du Breizh Small Business Act : part des PME et des entreprises locales, avances, clauses, délais et qualité de publication. Chaque part est calculée sur les marchés où la réponse est connue ; la part inconnue est indiquée à côté, jamais comptée comme un « non ».'),
    filterForm(ctx, [
      field('Territoire de l’acheteur', territorySelect('territoire', filters.territoire || '')),
      field('Année de notification', yearSelect('annee', q.get('annee') || '')),
      field('Secteur', cpvSelect('cpv', filters.cpv || '')),
      field('Acheteur (SIRET ou SIREN)', h('input', { type: 'text', name: 'acheteur', value: q.get('acheteur') || '', inputmode: 'numeric', pattern: '\\d{9}|\\d{14}', size: '16' }), '9 ou 14 chiffres'),
      q.get('indicateur') ? h('input', { type: 'hidden', name: 'indicateur', value: indicatorKey }) : null,
    ], { label: 'Périmètre des indicateurs' }),
    h('p', { class: 'selection' }, h('strong', null, 'Périmètre : '), scope || 'tous les marchés'),
    h(
      'div',
      { class: 'btn-row' },
      h('a', { class: 'btn', href: csv, download: '', 'data-export': 'csv' }, 'Télécharger (CSV)'),
      h('a', { class: 'btn', href: xlsx, download: '', 'data-export': 'xlsx' }, 'Télécharger (Excel)'),
    ),
    list,
    section('Évolution d’un indicateur', series),
  );

  let r;
  try {
    r = await api.indicators(filters, ctx);
  } catch (err) {
    if (err?.name === 'AbortError') return;
    list.replaceChildren(errorBox(err, 'les indicateurs'));
    series.replaceChildren();
    return;
  }
  if (!ctx.isCurrent()) return;
  list.replaceChildren(...[freshnessNotice(r), ...indicatorsView(r)].filter(Boolean));
  renderSeries(series, ctx, filters, r, indicatorKey);
}

function indicatorsView(r) {
  if (r.contracts === 0) return [h('p', { class: 'notice notice-info' }, 'Aucun marché dans ce périmètre.')];
  const shares = r.indicators.filter((i) => i.unit === 'share');
  return [
    h(
      'p',
      null,
      `${integer(r.contracts)} marchés dans le périmètre`,
      r.excludedUnusableAmounts ? `, dont ${integer(r.excludedUnusableAmounts)} au montant inutilisable (comptés en nombre, exclus des parts en montant)` : '',
      r.coContractorRule === 'even-split' ? '. Groupements : chaque co-traitant compte pour une part égale.' : '. Groupements : le mandataire compte pour tout le marché.',
    ),
    h('ul', { class: 'indicators' }, shares.map(card)),
    table(
      'Tous les indicateurs (tableau)',
      [
        { label: 'Indicateur', value: (i) => i.label, rowHeader: true },
        { label: 'En nombre', value: (i) => percent(i.byCount.value), num: true },
        { label: 'En montant', value: (i) => (i.byAmount ? percent(i.byAmount.value) : '—'), num: true },
        { label: 'Objectif', value: (i) => (i.target != null ? percent(i.target) : '—'), num: true },
        { label: 'Atteint', value: (i) => (i.targetMet == null ? '—' : i.targetMet ? 'oui' : 'non') },
        { label: 'Inconnu (nombre)', value: (i) => percent(i.byCount.unknownShare), num: true },
        { label: 'Base connue (marchés)', value: (i) => integer(i.byCount.denominator), num: true },
      ],
      shares,
    ),
  ];
}

function card(i) {
  const v = i.byCount.value;
  const targetBadge = i.target == null ? null : i.targetMet == null ? badge('objectif non mesurable') : i.targetMet ? badge(`objectif ${percent(i.target)} atteint`, 'ok') : badge(`objectif ${percent(i.target)} non atteint`, 'ko');
  return h(
    'li',
    { class: 'indicator', dataset: { key: i.key } },
    h('h3', null, i.label),
    h('p', { class: 'hint' }, INDICATOR_HELP[i.key] || ''),
    h(
      'div',
      { class: 'values' },
      h('div', null, h('span', { class: 'v' }, percent(v)), h('span', { class: 'vl' }, 'en nombre')),
      i.byAmount ? h('div', null, h('span', { class: 'v' }, percent(i.byAmount.value)), h('span', { class: 'vl' }, 'en montant')) : null,
    ),
    h('div', { class: 'bar', 'aria-hidden': 'true' }, h('span', { style: `width:${Math.round((v || 0) * 100)}%` }), i.target != null ? h('i', { style: `left:${Math.round(i.target * 100)}%` }) : null),
    targetBadge ? h('p', null, targetBadge) : null,
    h('p', null, `Inconnu : ${percent(i.byCount.unknownShare)} des marchés`, i.byAmount ? `, ${percent(i.byAmount.unknownShare)} des montants (${euros(i.byAmount.unknown)})` : '', '.'),
  );
}

function renderSeries(box, ctx, filters, r, key) {
  const shares = r.indicators.filter((i) => i.unit === 'share');
  const select = h('select', { name: 'indicateur' }, shares.map((i) => h('option', { value: i.key }, i.label)));
  select.value = shares.some((i) => i.key === key) ? key : DEFAULT_SERIES;
  select.addEventListener('change', () => {
    const p = new URLSearchParams(ctx.query);
    p.set('indicateur', select.value);
    ctx.navigate(`/charte?${p}`, { keepFocus: true });
  });
  const slot = h('div');
  box.replaceChildren(
    h('div', { class: 'filters' }, field('Indicateur', select)),
    slot,
    h('p', null, h('a', { class: 'btn', href: api.exportUrl('csv', filters, { table: 'series', indicator: select.value }), download: '' }, 'Télécharger la série (CSV)')),
  );
  const seriesFilters = { ...filters };
  delete seriesFilters.annee; // a series spans years
  fill(
    slot,
    () => api.indicatorSeries(seriesFilters, select.value, ctx),
    (s) => {
      const points = (s.indicator?.points || []).filter((p) => p.year != null);
      if (!points.length) return h('p', { class: 'empty' }, 'Pas de série : aucune année de notification connue.');
      const hasAmount = points.some((p) => p.value.byAmount);
      const target = points.find((p) => p.value.target != null)?.value.target;
      return chartFigure({
        title: `${s.indicator.label} par année`,
        summary: points.map((p) => `${p.year} : ${percent(p.value.byCount.value)}`).join(', '),
        type: 'line',
        percent: true,
        labels: points.map((p) => String(p.year)),
        series: [
          { label: 'En nombre', values: points.map((p) => p.value.byCount.value), format: percent },
          ...(hasAmount ? [{ label: 'En montant', values: points.map((p) => p.value.byAmount?.value ?? null), format: percent }] : []),
          ...(target != null ? [{ label: 'Objectif', values: points.map(() => target), format: percent }] : []),
          { label: 'Inconnu (nombre)', values: points.map((p) => p.value.byCount.unknownShare), format: percent },
        ],
        yFormat: percent,
      });
    },
    'la série',
  );
}
