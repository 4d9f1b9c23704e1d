import { api } from '../api.js';
import { euros, integer, percent, dateAndTime } from '../format.js';
import { h, section, figures, field, territorySelect, cpvSelect, yearSelect, fill, freshnessNotice } from '../ui.js';

/**
 * Questions the shipped data answers (apps/observatoire/src/seed, docs/seed.md): an EPCI, a département, a commune
 * and a search. The browser test web-seed.e2e.spec.ts follows each one and checks it is not empty.
 */
const EXAMPLES = [
  ['/secteur?territoire=epci:200042174&cpv=45&annee=2022', 'Lorient Agglomération × travaux en 2022'],
  ['/secteur?territoire=epci:242900694&cpv=45', 'Quimperlé Communauté × travaux'],
  ['/secteur?territoire=departement:29&cpv=71', 'Finistère × architecture et ingénierie'],
  ['/acheteurs/21560206100016', 'les marchés de la commune de Saint-Avé'],
  ['/recherche?q=voirie', 'les marchés de voirie'],
];

export async function render(main, ctx) {
  ctx.setTitle('');
  const search = h(
    'form',
    { role: 'search', 'aria-label': 'Rechercher un marché', action: '/recherche', method: 'get', class: 'search-big' },
    h('label', { for: 'home-q', class: 'visually-hidden' }, 'Rechercher un marché public breton'),
    h('input', { id: 'home-q', type: 'search', name: 'q', placeholder: 'Ex. : voirie, école, assainissement, nom d’une commune…', autocomplete: 'off' }),
    h('button', { type: 'submit', class: 'btn btn-primary' }, 'Rechercher'),
  );
  search.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = search.elements.q.value.trim();
    ctx.navigate(`/recherche${q ? `?q=${encodeURIComponent(q)}` : ''}`);
  });

  const sector = h(
    'form',
    { class: 'filters', action: '/secteur', method: 'get', 'aria-label': 'Marchés de mon secteur' },
    field('Territoire de l’acheteur', territorySelect('territoire', 'epci:200042174', { allowAll: false })),
    field('Secteur (division CPV)', cpvSelect('cpv', '45', { allowAll: false })),
    field('Année de notification', yearSelect('annee', '')),
    h('div', { class: 'field field-submit' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Voir les marchés')),
  );
  sector.addEventListener('submit', (e) => {
    e.preventDefault();
    const p = new URLSearchParams();
    for (const [k, v] of new FormData(sector)) if (v) p.append(k, String(v));
    ctx.navigate(`/secteur?${p}`);
  });

  const keyFigures = h('div');
  main.append(
    h('h1', null, 'Observatoire de la commande publique bretonne'),
    h(
      'p',
      { class: 'lead' },
      'Qui achète quoi, à qui, et comment en Bretagne ? L’observatoire rassemble les données essentielles des marchés publics (DECP) publiées par les acheteurs bretons : communes, intercommunalités, départements, hôpitaux, bailleurs sociaux… Il sert aux entreprises, pour repérer les marchés de leur métier, et aux acheteurs, pour suivre les indicateurs de leur charte.',
    ),
    h('div', { class: 'hero' }, h('h2', null, 'Rechercher un marché'), search),
    h(
      'div',
      { class: 'grid-2' },
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'h-sector' },
        h('h2', { id: 'h-sector' }, 'Marchés de mon secteur'),
        h('p', null, 'Combien un territoire a-t-il attribué dans votre métier, à qui, et quand ?'),
        sector,
        ...EXAMPLES.map(([href, label]) => h('a', { href, class: 'example' }, `Exemple : ${label} →`)),
      ),
      h(
        'section',
        { class: 'card', 'aria-labelledby': 'h-who' },
        h('h2', { id: 'h-who' }, 'Pour qui ?'),
        h('h3', null, 'Entreprises'),
        h('p', null, 'Repérez les acheteurs de votre secteur, les montants attribués, les ', h('a', { href: '/prix?cpv=45&territoire=bretagne' }, 'prix pratiqués'), ' et vos concurrents.'),
        h('h3', null, 'Acheteurs publics'),
        h('p', null, 'Suivez les ', h('a', { href: '/charte?territoire=bretagne' }, 'indicateurs de la charte'), ' : part des PME, part locale, avances, délais de publication, note de publication A à E.'),
        h('h3', null, 'Tout le monde'),
        h('p', null, 'Les données sont ouvertes. Leur ', h('a', { href: '/qualite' }, 'qualité'), ' est mesurée et les enregistrements écartés sont listés.'),
      ),
    ),
    section('Chiffres clés', keyFigures),
  );

  fill(
    keyFigures,
    async () => {
      const [ind, sec, runs] = await Promise.allSettled([api.indicators({}, ctx), api.sector({ territoire: 'bretagne' }, ctx), api.ingestRuns(ctx)]);
      if (ind.status === 'rejected' && sec.status === 'rejected') throw ind.reason;
      return { ind: ind.value, sec: sec.value, runs: runs.value };
    },
    ({ ind, sec, runs }) => {
      const get = (k) => ind?.indicators?.find((i) => i.key === k);
      const last = runs?.items?.[0];
      const items = [
        { label: 'Marchés recensés', value: integer(ind?.contracts ?? sec?.totals?.contracts) },
        { label: 'Montant attribué par des acheteurs bretons', value: sec ? euros(sec.totals.amount) : 'indisponible', note: sec ? 'hors maxima d’accords-cadres' : null },
        { label: 'Part des PME (en nombre)', value: percent(get('sme-share')?.byCount?.value), note: get('sme-share') ? `taille inconnue : ${percent(get('sme-share').byCount.unknownShare)}` : null },
        { label: 'Part d’entreprises bretonnes', value: percent(get('local-share-bretagne')?.byCount?.value), note: 'en nombre, localisation connue' },
      ];
      if (last) items.push({ label: 'Dernière mise à jour', value: dateAndTime(last.finishedAt || last.startedAt), note: `${integer(last.summary?.published)} marchés publiés` });
      const notice = freshnessNotice(ind);
      return notice ? h('div', null, notice, figures(items)) : figures(items);
    },
    'les chiffres clés',
  );
}
