import { analyticsParams, api } from '../api.js';
import { cpvLabel, euros, integer, shortDate, territoryLabel, objetLabel } from '../format.js';
import { cpvSelect, errorBox, field, figures, filterForm, h, loading, section, table, territorySelect, yearSelect } from '../ui.js';

export async function render(main, ctx) {
  const q = ctx.query;
  const filters = analyticsParams(q);
  ctx.setTitle('Prix pratiqués');
  const body = h('div', null, loading());
  const cpvInput = h('input', { type: 'text', name: 'cpv', value: filters.cpv || '', inputmode: 'numeric', pattern: '\\d{2,8}', size: '10' });
  main.append(
    h('h1', null, 'Prix pratiqués'),
    h('p', { class: 'lead' }, 'Distribution des montants attribués pour un type de prestation (code CPV) et un territoire : médiane, quartiles, extrêmes. Les maxima d’accords-cadres sont présentés à part : un maximum n’est pas un prix payé.'),
    filterForm(ctx, [
      field('Secteur (division CPV)', cpvSelect('cpvDivision', filters.cpv && filters.cpv.length === 2 ? filters.cpv : '', { allowAll: true })),
      field('ou code CPV précis', cpvInput, 'préfixe de 2 à 8 chiffres, ex. 45233'),
      field('Territoire de l’acheteur', territorySelect('territoire', filters.territoire || '')),
      field('Année', yearSelect('annee', q.get('annee') || '')),
    ], { label: 'Choisir la prestation et le territoire' }),
    h('h2', null, `${cpvLabel(filters.cpv)} — ${territoryLabel(filters.territoire)}${filters.annee ? `, ${filters.annee}` : ''}`),
    body,
  );
  // the division select and the free CPV field feed the same `cpv` parameter
  const form = main.querySelector('form.filters');
  const division = form.elements.cpvDivision;
  division.removeAttribute('name');
  // runs before the form's own change handler (target phase first), which then submits
  division.addEventListener('change', () => (cpvInput.value = division.value));

  let r;
  try {
    r = await api.prices(filters, ctx);
  } catch (err) {
    if (err?.name === 'AbortError') return;
    body.replaceChildren(errorBox(err, 'les prix'));
    return;
  }
  if (!ctx.isCurrent()) return;
  const a = r.amounts;
  const m = r.frameworkAgreementMaxima;
  if (a.count === 0 && m.count === 0) {
    body.replaceChildren(
      h('div', null, h('p', { class: 'notice notice-info' }, 'Aucun montant utilisable pour ces critères.'), r.excludedUnusableAmounts ? h('p', null, `${integer(r.excludedUnusableAmounts)} marché(s) au montant inutilisable.`) : null),
      tariffsSection(r.concessionTariffs),
    );
    return;
  }
  body.replaceChildren(
    figures([
      { label: 'Montant médian', value: euros(a.median), note: `sur ${integer(a.count)} marchés` },
      { label: 'Moitié des marchés entre', value: a.count ? `${euros(a.q1)} et ${euros(a.q3)}` : '—', note: '1er et 3e quartiles' },
      { label: 'Montant moyen', value: euros(a.mean) },
      { label: 'Montants inutilisables', value: integer(r.excludedUnusableAmounts), note: 'exclus de la distribution' },
    ]),
    a.count ? boxplot(a) : h('span'),
    section(
      'Distribution',
      table(
        'Distribution des montants',
        [
          { label: 'Statistique', value: (row) => row.label, rowHeader: true },
          { label: 'Marchés (hors accords-cadres)', value: (row) => row.fmt(a[row.key]), num: true },
          { label: 'Maxima d’accords-cadres', value: (row) => row.fmt(m[row.key]), num: true },
        ],
        [
          { key: 'count', label: 'Nombre', fmt: integer },
          { key: 'min', label: 'Minimum', fmt: euros },
          { key: 'q1', label: '1er quartile', fmt: euros },
          { key: 'median', label: 'Médiane', fmt: euros },
          { key: 'q3', label: '3e quartile', fmt: euros },
          { key: 'max', label: 'Maximum', fmt: euros },
          { key: 'mean', label: 'Moyenne', fmt: euros },
        ],
      ),
      h('p', { class: 'hint' }, 'Quartiles par interpolation linéaire (méthode des tableurs, QUARTILE.INC). Montants hors taxes tels que publiés ; un marché modifié compte pour son montant actuel.'),
    ),
    tariffsSection(r.concessionTariffs),
  );
}

/** What concessions charge their users, from the execution data they publish each year. */
function tariffsSection(t) {
  const items = t?.items ?? [];
  return section(
    'Tarifs publiés par les concessions',
    h('p', null, t && t.count ? `${integer(t.count)} tarif(s) publié(s) par ${integer(t.concessions)} contrat(s) de concession de ce périmètre, les plus récents d’abord${t.count > items.length ? ` (${integer(items.length)} affichés)` : ''}.` : ''),
    table(
      'Tarifs des concessions',
      [
        { label: 'Tarif', value: (x) => x.intituleTarif ?? 'Sans intitulé', rowHeader: true },
        { label: 'Montant', value: (x) => (x.tarif === null ? 'illisible' : euros(x.tarif)), num: true },
        { label: 'Publié le', value: (x) => shortDate(x.datePublication) },
        { label: 'Concession', value: (x) => h('a', { href: `/contrats/${encodeURIComponent(x.uid)}` }, objetLabel(x.objet)) },
        { label: 'Autorité concédante', value: (x) => h('a', { href: `/acheteurs/${encodeURIComponent(x.acheteurId)}` }, x.acheteurNom || x.acheteurId) },
      ],
      items,
      { empty: 'Aucune concession de ce périmètre n’a publié de tarif dans ses données d’exécution.' },
    ),
  );
}

/** Decorative box plot on a log scale (the table above carries the same figures). */
function boxplot(a) {
  const lo = Math.log10(Math.max(1, a.min));
  const hi = Math.log10(Math.max(10, a.max));
  const pos = (v) => `${(((Math.log10(Math.max(1, v)) - lo) / (hi - lo || 1)) * 100).toFixed(2)}%`;
  const width = (x, y) => `calc(${pos(y)} - ${pos(x)})`;
  return h(
    'figure',
    { class: 'chart', 'aria-hidden': 'true' },
    h(
      'div',
      { class: 'boxplot' },
      h('div', { class: 'whisker', style: `left:${pos(a.min)};width:${width(a.min, a.max)}` }),
      h('div', { class: 'box', style: `left:${pos(a.q1)};width:${width(a.q1, a.q3)}` }),
      h('div', { class: 'median', style: `left:${pos(a.median)}` }),
    ),
    h('div', { class: 'boxplot-scale' }, h('span', null, euros(a.min)), h('span', null, `médiane ${euros(a.median)} (échelle logarithmique)`), h('span', null, euros(a.max))),
  );
}
