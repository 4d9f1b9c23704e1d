import { analyticsParams, api } from '../api.js';
import { cpvLabel, date, euros, integer, eurosCompact, territoryLabel } from '../format.js';
import { badge, chartFigure, cpvSelect, errorBox, field, figures, filterForm, h, loading, section, table, territorySelect, yearSelect } from '../ui.js';

export async function render(main, ctx) {
  const q = ctx.query;
  const filters = analyticsParams(q);
  const title = `${territoryLabel(filters.territoire)} × ${cpvLabel(filters.cpv)}`;
  ctx.setTitle(`Marchés de mon secteur — ${title}`);
  const period = filters.annee ? `en ${filters.annee}` : filters.du || filters.au ? `du ${filters.du ? date(filters.du) : '…'} au ${filters.au ? date(filters.au) : '…'}` : 'toutes années';

  const body = h('div', null, loading());
  main.append(
    h('h1', null, 'Marchés de mon secteur'),
    h('p', { class: 'lead' }, 'Ce que les acheteurs d’un territoire ont attribué dans un secteur : montants, nombre de marchés, évolution, principaux acheteurs et derniers marchés.'),
    filterForm(ctx, [
      field('Territoire de l’acheteur', territorySelect('territoire', filters.territoire || '')),
      field('Secteur (division CPV)', cpvSelect('cpv', filters.cpv || '')),
      field('Année', yearSelect('annee', q.get('annee') || '')),
      field('Du', h('input', { type: 'date', name: 'du', value: q.get('du') || '' })),
      field('Au', h('input', { type: 'date', name: 'au', value: q.get('au') || '' })),
    ], { label: 'Choisir le territoire, le secteur et la période' }),
    h('h2', { class: 'selection' }, `${title}, ${period}`),
    body,
  );

  let s;
  try {
    s = await api.sector(filters, ctx);
  } catch (err) {
    if (err?.name === 'AbortError') return;
    body.replaceChildren(errorBox(err, 'les marchés du secteur'));
    return;
  }
  if (!ctx.isCurrent()) return;
  const t = s.totals;
  if (t.contracts === 0) {
    body.replaceChildren(h('p', { class: 'notice notice-info' }, 'Aucun marché ne correspond à ces critères. Élargissez le territoire (département, Bretagne), le secteur ou la période.'));
    return;
  }
  const years = s.byYear.filter((y) => y.year != null);
  const qs = new URLSearchParams(filters).toString();
  body.replaceChildren(
    figures([
      { label: 'Montant attribué', value: euros(t.amount), note: 'hors accords-cadres' },
      { label: 'Marchés notifiés', value: integer(t.contracts) },
      { label: 'Accords-cadres', value: integer(t.frameworkAgreements.contracts), note: t.frameworkAgreements.contracts ? `maxima cumulés : ${euros(t.frameworkAgreements.maxAmount)}` : null },
      { label: 'Montants inutilisables', value: integer(t.unusableAmounts), note: 'comptés, non additionnés' },
    ]),
    h('div', { class: 'btn-row' }, h('a', { class: 'btn', href: `/prix?${qs}` }, 'Prix pratiqués dans ce secteur'), h('a', { class: 'btn', href: `/charte?${qs}` }, 'Indicateurs de la charte')),
    section(
      'Évolution par année',
      years.length
        ? chartFigure({
            title: 'Montant attribué et nombre de marchés par année de notification',
            summary: years.map((y) => `${y.year} : ${euros(y.amount)}`).join(', '),
            labels: years.map((y) => String(y.year)),
            series: [
              { label: 'Montant attribué', values: years.map((y) => y.amount), format: euros, axisFormat: eurosCompact },
              { label: 'Marchés', values: years.map((y) => y.contracts), format: integer, axis: 'y2', type: 'line' },
            ],
            yFormat: euros,
          })
        : h('p', { class: 'empty' }, 'Dates de notification inconnues.'),
    ),
    section(
      'Principaux acheteurs',
      table(
        'Acheteurs par montant attribué',
        [
          { label: 'Acheteur', value: (b) => h('a', { href: `/acheteurs/${encodeURIComponent(b.acheteur)}` }, b.nom || b.acheteur), rowHeader: true },
          { label: 'Marchés', value: (b) => integer(b.contracts), num: true },
          { label: 'Montant', value: (b) => euros(b.amount), num: true },
        ],
        s.topBuyers,
      ),
    ),
    section(
      'Derniers marchés',
      table(
        'Derniers marchés notifiés',
        [
          { label: 'Objet', value: (c) => h('a', { href: c.lien || `/contrats/${encodeURIComponent(c.uid)}` }, c.objet || `Objet non publié (${c.uid})`), rowHeader: true },
          { label: 'Acheteur', value: (c) => h('a', { href: `/acheteurs/${encodeURIComponent(c.acheteur.id)}` }, c.acheteur.nom || c.acheteur.id) },
          { label: 'Notification', value: (c) => date(c.dateNotification) },
          { label: 'Montant', value: (c) => h('span', null, euros(c.montant), c.accordCadre ? [' ', badge('maximum d’accord-cadre', 'warn')] : null, c.montantUtilisable ? null : [' ', badge('inutilisable', 'ko')]), num: true },
        ],
        s.latestContracts,
      ),
      h('p', null, h('a', { href: `/recherche?${new URLSearchParams(Object.entries({ cpv: filters.cpv, annee: filters.annee }).filter(([, v]) => v))}` }, 'Voir tous les marchés dans la recherche →')),
    ),
  );
}
