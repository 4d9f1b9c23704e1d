import { api, probableDuplicates } from '../api.js';
import { BUYER_TYPES, DEPARTEMENTS, GRADE_HELP, STATUSES, cpvDivisionLabel, date, euros, integer, percent, objetLabel, epciName } from '../format.js';
import { chartFigure, errorBox, facts, figures, fill, h, loading, section, table } from '../ui.js';

export async function render(main, ctx) {
  const siret = ctx.params.siret;
  main.append(h('h1', null, 'Acheteur'), loading());
  let b;
  try {
    b = await api.buyer(siret, ctx);
  } catch (err) {
    if (err?.name === 'AbortError') return;
    ctx.setTitle('Acheteur');
    // Unknown to the catalog (no contract ever published), yet maybe registered in the observatory and
    // expected to publish: the analytics grade it E for the years it published nothing.
    if (err?.notFound && (await renderRegisteredWithoutContracts(main, ctx, siret))) return;
    main.replaceChildren(h('h1', null, `Acheteur ${siret}`), errorBox(err, 'cet acheteur'));
    return;
  }
  const p = b.identity.profile;
  const name = b.identity.nom || p?.nom || `Acheteur ${siret}`;
  ctx.setTitle(name);

  const byDivision = groupBy(b.byYearAndCpvDivision, (r) => r.cpvDivision ?? '');
  const byYear = groupBy(b.byYearAndCpvDivision, (r) => (r.annee == null ? '' : String(r.annee)));
  const years = [...byYear.keys()].filter(Boolean).sort();
  const local = h('div');
  const grade = h('div');
  const duplicates = h('div');

  main.replaceChildren(
    h('nav', { class: 'breadcrumb', 'aria-label': 'Fil d’Ariane' }, h('ol', null, h('li', null, h('a', { href: '/' }, 'Accueil')), h('li', null, 'Acheteurs'), h('li', null, h('span', { 'aria-current': 'page' }, name)))),
    h('h1', null, name),
    h('p', { class: 'subtitle' }, [BUYER_TYPES[p?.typeOrganisation] || null, p?.communeNom, p?.departementCode ? DEPARTEMENTS[p.departementCode] || p.departementCode : null].filter(Boolean).join(' · ') || (b.scope === 'siren' ? 'Tous les établissements de l’unité légale' : 'Établissement acheteur')),
    figures([
      { label: 'Marchés publiés', value: integer(b.totals.contracts) },
      { label: 'Montant total attribué', value: euros(b.totals.montant), note: 'montants utilisables, maxima d’accords-cadres compris' },
      { label: 'Entreprises titulaires (principales)', value: integer(b.topSuppliers.length), note: b.topSuppliers.length >= 10 ? '10 premières affichées' : null },
    ]),
    duplicates,
    section(
      'Identité',
      facts([
        [b.scope === 'siren' ? 'SIREN' : 'SIRET', b.id],
        ['Type d’acheteur', BUYER_TYPES[p?.typeOrganisation] || null],
        ['Commune', p?.communeNom || p?.communeCode],
        ['Intercommunalité', p?.epciNom || epciName(p?.epciSiren) || p?.epciSiren],
        ['Département', p?.departementCode ? `${DEPARTEMENTS[p.departementCode] || ''} (${p.departementCode})` : null],
        ['Identification SIRENE', STATUSES[b.identity.status] || b.identity.status],
      ]),
      h('div', { class: 'btn-row' }, h('a', { class: 'btn', href: `/charte?acheteur=${encodeURIComponent(b.id)}` }, 'Indicateurs de la charte de cet acheteur'), h('a', { class: 'btn', href: `/recherche?acheteur=${encodeURIComponent(b.id)}` }, 'Tous ses marchés')),
    ),
    section(
      'Ce qu’il achète',
      chartFigure({
        title: 'Montant attribué par secteur (division CPV), toutes années',
        summary: `${byDivision.size} secteurs.`,
        type: 'bar',
        xLabel: 'Secteur',
        labels: [...byDivision.keys()].map((k) => cpvDivisionLabel(k || null)),
        series: [
          { label: 'Montant', values: [...byDivision.values()].map((rows) => sum(rows, 'montant')), format: euros },
          { label: 'Marchés', values: [...byDivision.values()].map((rows) => sum(rows, 'contracts')), format: integer, axis: 'y2', type: 'line' },
        ],
        yFormat: euros,
      }),
      years.length > 1
        ? table(
            'Par année de notification',
            [
              { label: 'Année', value: (y) => y, rowHeader: true },
              { label: 'Marchés', value: (y) => integer(sum(byYear.get(y), 'contracts')), num: true },
              { label: 'Montant', value: (y) => euros(sum(byYear.get(y), 'montant')), num: true },
            ],
            years,
          )
        : null,
    ),
    section(
      'Auprès de qui',
      table(
        'Principaux titulaires, par entreprise (montants partagés également entre co-traitants)',
        [
          {
            label: 'Titulaire',
            value: (s) => [h('a', { href: `/titulaires/${encodeURIComponent(s.id)}` }, s.nom || s.id), s.establishments > 1 ? ` (${integer(s.establishments)} établissements)` : null],
            rowHeader: true,
          },
          { label: 'Marchés', value: (s) => integer(s.contracts), num: true },
          { label: 'Montant', value: (s) => euros(s.montant), num: true },
          { label: 'Part du total', value: (s) => (b.totals.montant ? percent(s.montant / b.totals.montant) : '—'), num: true },
        ],
        b.topSuppliers,
        { empty: 'Aucun titulaire connu.' },
      ),
    ),
    section('Impact local', local),
    section('Note de publication', grade),
    section(
      'Derniers marchés',
      table(
        'Derniers marchés notifiés',
        [
          { label: 'Objet', value: (c) => h('a', { href: `/contrats/${encodeURIComponent(c.uid)}` }, objetLabel(c.objet)), rowHeader: true },
          { label: 'CPV', value: (c) => c.codeCpv || '—' },
          { label: 'Notification', value: (c) => date(c.dateNotification) },
          { label: 'Montant', value: (c) => euros(c.montant), num: true },
        ],
        b.latestContracts,
      ),
    ),
    section(
      'Intégrer ces indicateurs sur votre site',
      h('p', null, 'Une carte compacte de vos indicateurs, à insérer dans une page de votre site :'),
      h('pre', { class: 'code' }, `<iframe src="${location.origin}/widget/acheteur/${b.id}" title="Indicateurs de la commande publique — ${name}" width="440" height="320" style="border:0"></iframe>`),
      h('p', null, h('a', { href: `/widget/acheteur/${encodeURIComponent(b.id)}` }, 'Aperçu de la carte')),
    ),
  );

  // Probable duplicates of this buyer (the same award under two ids): said next to the total they inflate. Silent on error.
  probableDuplicates({ acheteur: b.id }, ctx)
    .then((r) => duplicates.replaceChildren(...duplicatesNotice(r)))
    .catch(() => {});
  const indicators = await fill(local, () => api.indicators({ acheteur: b.id }, ctx), (r) => localImpact(r, p), 'les indicateurs de cet acheteur');
  if (indicators) grade.replaceChildren(...gradeOf(indicators));
  else grade.replaceChildren(h('p', { class: 'empty' }, 'Note indisponible.'));
}

function duplicatesNotice(r) {
  if (!r.groups) return [];
  return [
    h(
      'div',
      { class: 'notice notice-unavailable', role: 'note' },
      h(
        'p',
        null,
        h('strong', null, 'Doublons probables : '),
        `${integer(r.contracts)} marchés de cet acheteur semblent publiés deux fois sous deux identifiants (même montant au centime, même code CPV, même entreprise titulaire). ${euros(r.excessAmount)} sont ainsi comptés en trop dans le montant total ci-dessus, tel que publié.`,
      ),
      h(
        'details',
        null,
        h('summary', null, `Voir les ${integer(r.groups)} groupes`),
        h(
          'ul',
          null,
          r.items.map((g) =>
            h('li', null, `${euros(g.montant)} : `, ...g.copies.flatMap((c, i) => [i ? ' et ' : '', h('a', { href: `/contrats/${encodeURIComponent(c.uid)}` }, c.id)]), ` (${date(g.copies[0].dateNotification)})`),
          ),
        ),
      ),
      h('p', null, h('a', { href: '/qualite' }, 'Règle et liste complète : Qualité des données')),
    ),
  ];
}

function localImpact(r, p) {
  const rows = [
    ['local-share-epci', `Dans son intercommunalité${p?.epciNom ? ` (${p.epciNom})` : ''}`],
    ['local-share-departement', `Dans son département${p?.departementCode ? ` (${DEPARTEMENTS[p.departementCode] || p.departementCode})` : ''}`],
    ['local-share-bretagne', 'En Bretagne'],
  ].map(([key, label]) => ({ label, v: r.indicators.find((i) => i.key === key) }));
  return [
    h('p', null, 'Part des marchés attribués à des entreprises établies sur le territoire de l’acheteur. Les titulaires dont l’adresse est inconnue sont comptés à part, jamais comme « non locaux ».'),
    table(
      'Part locale des marchés',
      [
        { label: 'Territoire', value: (x) => x.label, rowHeader: true },
        { label: 'Part en nombre', value: (x) => percent(x.v?.byCount?.value), num: true },
        { label: 'Part en montant', value: (x) => percent(x.v?.byAmount?.value), num: true },
        { label: 'Montant local', value: (x) => euros(x.v?.byAmount?.numerator), num: true },
        { label: 'Localisation inconnue (nombre)', value: (x) => percent(x.v?.byCount?.unknownShare), num: true },
      ],
      rows,
    ),
  ];
}

function gradeOf(r) {
  const g = r.indicators.find((i) => i.key === 'publication-grade');
  const grades = (g?.details?.grades || []).slice().sort((a, b) => b.year - a.year);
  if (!grades.length) return [h('p', { class: 'empty' }, 'Pas de note : aucun marché daté.')];
  const last = grades[0];
  return [
    h('p', null, h('span', { class: `grade grade-${last.grade}`, 'aria-hidden': 'true' }, last.grade), ' ', h('strong', null, `Note ${last.grade} pour ${last.year}`), ` — ${GRADE_HELP[last.grade] || ''}.`),
    table(
      'Note de publication par année (A : complète et rapide … E : rien publié)',
      [
        { label: 'Année', value: (x) => String(x.year), rowHeader: true },
        { label: 'Note', value: (x) => x.grade },
        { label: 'Marchés', value: (x) => integer(x.contracts), num: true },
        { label: 'Sous le seuil', value: (x) => integer(x.optionalContracts), num: true },
        { label: 'Champs clés manquants', value: (x) => (x.missingKeyFields?.length ? x.missingKeyFields.join(', ') : 'aucun') },
        { label: 'Délai médian de publication', value: (x) => (x.medianDelayDays == null ? 'inconnu' : `${integer(x.medianDelayDays)} j`), num: true },
      ],
      grades,
    ),
  ];
}

/** A buyer registered in the feed registry that has published nothing: its E grades, or false when unknown. */
async function renderRegisteredWithoutContracts(main, ctx, siret) {
  let r;
  try {
    r = await api.indicators({ acheteur: siret }, ctx);
  } catch {
    return false;
  }
  if (!ctx.isCurrent()) return true;
  const g = r.indicators.find((i) => i.key === 'publication-grade');
  if (!g?.details?.grades?.length) return false;
  const name = `Acheteur ${siret}`;
  ctx.setTitle(name);
  main.replaceChildren(
    h('h1', null, name),
    h('p', { class: 'notice notice-info', role: 'status' }, 'Cet acheteur est inscrit à l’observatoire (flux de données déclaré) mais aucun marché publié par lui n’a été reçu.'),
    section('Note de publication', ...gradeOf(r)),
  );
  return true;
}

function groupBy(rows, key) {
  const m = new Map();
  for (const r of rows) {
    const k = key(r);
    if (!m.has(k)) m.set(k, []);
    m.get(k).push(r);
  }
  return new Map([...m.entries()].sort((a, b) => sum(b[1], 'montant') - sum(a[1], 'montant')));
}
const sum = (rows, k) => rows.reduce((s, r) => s + (Number(r[k]) || 0), 0);
