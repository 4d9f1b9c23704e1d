// "Qualité des données": what the data of a territory and year is worth (anomalies, duplicates across sources,
// probable duplicates under two ids, publication grades A–E, quality flags), how fresh each source and each buyer's feed is, then the latest ingest
// runs and the quarantine. `territoire` and `annee` are in the address; they scope the contracts' figures only.
import { analyticsParams, api, feedsFreshness, probableDuplicates, qualitySources } from '../api.js';
import { FLAGS, GRADE_HELP, QUARANTINE_REASONS, TRIGGERS, date, dateAndTime, decimal, euros, integer, percent, plural, territoryLabel } from '../format.js';
import { badge, chartFigure, field, figures, fill, filterForm, h, section, table, territorySelect, yearSelect } from '../ui.js';

const PAGE_SIZE = 20;
/** Buyer-years listed before "Voir toutes les notes". */
const GRADES_SHOWN = 20;
const GRADES = ['A', 'B', 'C', 'D', 'E'];
const GRADE_KIND = { A: 'ok', B: 'ok', C: '', D: 'warn', E: 'ko' };
/** The page's own filters (the rest of the analytics vocabulary is not offered here). */
const QUALITY_FILTERS = ['territoire', 'annee'];
/** The ten key fields of grade B (services/analytics KEY_FIELDS), in French. */
const KEY_FIELDS = {
  montant: 'montant',
  dateNotification: 'date de notification',
  codeCPV: 'code CPV',
  lieuExecution: 'lieu d’exécution',
  formePrix: 'forme du prix',
  objet: 'objet',
  nature: 'nature',
  dureeMois: 'durée',
  procedure: 'procédure',
  titulaires: 'titulaires',
};
const FEED_KINDS = { url: 'URL HTTP', 'platform-export': 'Export de plateforme', upload: 'Dépôt de fichier' };
const FEED_ALERTS = { ok: ['À jour', 'ok'], stale: ['En retard', 'warn'], failing: ['En échec', 'ko'] };
const PULL_RESULTS = { changed: 'nouveau contenu', unchanged: 'rien de nouveau', failed: 'échec' };

export async function render(main, ctx) {
  const q = ctx.query;
  const all = analyticsParams(q);
  const filters = Object.fromEntries(QUALITY_FILTERS.filter((k) => all[k]).map((k) => [k, all[k]]));
  const page = Math.max(1, Math.floor(Number(q.get('page'))) || 1);
  ctx.setTitle('Qualité des données');

  const keyFigures = h('div');
  const grades = h('div');
  const flags = h('div');
  const duplicates = h('div');
  const sources = h('div');
  const feeds = h('div');
  const runs = h('div');
  const quarantine = h('div');
  main.append(
    h('h1', null, 'Qualité des données'),
    h('p', { class: 'lead' }, 'Chaque fichier DECP est contrôlé à la lecture. Un enregistrement exploitable est accepté, avec des signalements si des valeurs ont été corrigées ou écartées ; un enregistrement inexploitable (sans acheteur, sans identifiant…) est mis en quarantaine et listé ici. Les doublons exacts sont comptés à part ; un marché reçu de plusieurs sources est fusionné et compté comme doublon entre sources ; un même marché publié sous deux identifiants est signalé comme doublon probable.'),
    filterForm(ctx, [field('Territoire de l’acheteur', territorySelect('territoire', filters.territoire || '')), field('Année de notification', yearSelect('annee', filters.annee || ''))], { label: 'Périmètre des marchés' }),
    h('p', { class: 'selection' }, h('strong', null, 'Périmètre : '), `${territoryLabel(filters.territoire)}, ${filters.annee ? `marchés notifiés en ${filters.annee}` : 'toutes années'}`),
    h('p', { class: 'hint' }, 'Le territoire et l’année s’appliquent aux chiffres clés, aux notes de publication et aux signalements. La fraîcheur des sources, les flux, les chargements et la quarantaine portent sur toutes les données reçues.'),
    section('Chiffres clés', keyFigures),
    section('Notes de publication', grades),
    section('Signalements', flags),
    section('Doublons probables', duplicates),
    section('Fraîcheur par source', sources),
    section('Flux des acheteurs', feeds),
    section('Derniers chargements', runs),
    section('Enregistrements en quarantaine', quarantine),
  );

  // One request feeds the three blocks of the contracts' figures; each block shows the error on its own.
  const indicators = api.indicators(filters, ctx);
  indicators.catch(() => {});
  const indicator = (r, key) => r.indicators.find((i) => i.key === key);

  fill(keyFigures, () => indicators, (r) => keyFiguresView(r, indicator(r, 'data-quality')), 'les chiffres de qualité');
  fill(grades, () => indicators, (r) => gradesView(indicator(r, 'publication-grade')), 'les notes de publication');
  fill(flags, () => indicators, (r) => flagsView(r, indicator(r, 'data-quality')), 'les signalements');
  fill(duplicates, () => probableDuplicates(filters, ctx), duplicatesView, 'les doublons probables');
  fill(sources, () => qualitySources(ctx), sourcesView, 'la fraîcheur des sources');
  fill(feeds, () => feedsFreshness(ctx), feedsView, 'l’état des flux des acheteurs');
  fill(runs, () => api.ingestRuns(ctx), runsView, 'l’historique des chargements');
  fill(quarantine, () => api.quarantine({ limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }, ctx), (r) => quarantineView(r, page, filters), 'la quarantaine');
}

function keyFiguresView(r, dq) {
  if (!dq) return h('p', { class: 'empty' }, 'Indicateur de qualité indisponible.');
  const d = dq.details || {};
  return [
    figures([
      { label: 'Marchés dans le périmètre', value: integer(r.contracts) },
      { label: 'Marchés avec une anomalie', value: percent(dq.byCount.value), note: `${plural(dq.byCount.numerator, 'marché', 'marchés')} : montant inutilisable, identifiant invalide, doublon entre sources ou doublon probable` },
      { label: 'Doublons entre sources', value: integer(d.duplicatesAcrossSources), note: 'marchés reçus de plusieurs sources, fusionnés' },
      { label: 'Doublons probables', value: integer(d.probableDuplicates), note: 'marchés publiés deux fois sous deux identifiants (copies comprises)' },
      { label: 'Montants inutilisables', value: integer(d.unusableAmounts), note: 'comptés, jamais additionnés' },
      { label: 'Identifiants invalides', value: integer(d.invalidIdentifiers), note: 'acheteur ou titulaire' },
    ]),
    r.contracts === 0 ? h('p', { class: 'notice notice-info' }, 'Aucun marché dans ce périmètre.') : null,
  ];
}

function gradesView(g) {
  if (!g) return h('p', { class: 'empty' }, 'Notes de publication indisponibles.');
  const d = g.details || {};
  const rows = d.grades || [];
  const dist = d.distribution || {};
  const intro = h(
    'p',
    null,
    'Chaque acheteur est noté pour chaque année : E si rien n’est publié alors qu’il est attendu, D dès un marché publié, C s’il publie aussi sous le seuil obligatoire, B si les dix champs clés sont renseignés',
    d.completeness === 'each-field-once' ? ' (chacun au moins une fois dans l’année)' : ' sur chaque marché',
    ', A si de plus le délai médian de publication ne dépasse pas 60 jours.',
  );
  const undated = d.undatedContracts ? h('p', { class: 'hint' }, `${plural(d.undatedContracts, 'marché sans date de notification n’est rattaché', 'marchés sans date de notification ne sont rattachés')} à aucune année, donc à aucune note.`) : null;
  if (!rows.length) return [intro, h('p', { class: 'empty' }, 'Aucun couple acheteur × année à noter dans ce périmètre.'), undated];

  const counts = GRADES.map((k) => Number(dist[k]) || 0);
  const sorted = rows.slice().sort((a, b) => GRADES.indexOf(b.grade) - GRADES.indexOf(a.grade) || b.year - a.year || String(a.buyer).localeCompare(String(b.buyer)));
  const list = h('div', { id: 'notes-acheteurs' });
  let expanded = false;
  const toggle = sorted.length > GRADES_SHOWN ? h('button', { type: 'button', class: 'btn', 'aria-controls': 'notes-acheteurs', 'aria-expanded': 'false' }) : null;
  const draw = () => {
    const shown = expanded ? sorted : sorted.slice(0, GRADES_SHOWN);
    list.replaceChildren(gradesTable(shown, sorted.length));
    nameBuyers(list);
    if (toggle) {
      toggle.textContent = expanded ? `N’afficher que les ${GRADES_SHOWN} notes les plus basses` : `Voir toutes les notes (${integer(sorted.length)})`;
      toggle.setAttribute('aria-expanded', String(expanded));
    }
  };
  toggle?.addEventListener('click', () => {
    expanded = !expanded;
    draw();
  });
  draw();

  return [
    intro,
    h('p', { class: 'grade-summary' }, `${plural(rows.length, 'couple acheteur × année noté', 'couples acheteur × année notés')}, dont ${percent(g.byCount.value)} notés A.`),
    chartFigure({
      title: 'Répartition des notes de publication',
      summary: `${GRADES.map((k, i) => `${k} : ${counts[i]}`).join(', ')}.`,
      type: 'bar',
      xLabel: 'Note',
      labels: GRADES,
      series: [{ label: 'Couples acheteur × année', values: counts, format: integer }],
      yFormat: integer,
    }),
    h('dl', { class: 'facts grade-legend' }, GRADES.map((k) => h('div', null, h('dt', null, `Note ${k}`), h('dd', null, GRADE_HELP[k])))),
    h('h3', null, 'Par acheteur et par année, les notes les plus basses d’abord'),
    list,
    toggle ? h('div', { class: 'btn-row' }, toggle) : null,
    undated,
  ];
}

function gradesTable(rows, total) {
  return table(
    `Notes de publication par acheteur et par année (${integer(rows.length)} sur ${integer(total)}, les plus basses d’abord)`,
    [
      { label: 'Acheteur', value: buyerCell, rowHeader: true },
      { label: 'Année', value: (x) => String(x.year) },
      { label: 'Note', value: (x) => h('span', { title: GRADE_HELP[x.grade] || null }, badge(x.grade, GRADE_KIND[x.grade])) },
      { label: 'Marchés', value: (x) => integer(x.contracts), num: true },
      { label: 'Sous le seuil', value: (x) => integer(x.optionalContracts), num: true },
      { label: 'Complets (10 champs)', value: (x) => integer(x.completeContracts), num: true },
      { label: 'Champs clés manquants', value: (x) => (x.contracts === 0 ? '—' : x.missingKeyFields?.length ? x.missingKeyFields.map((f) => KEY_FIELDS[f] || f).join(', ') : 'aucun') },
      { label: 'Délai médian de publication', value: (x) => (x.medianDelayDays == null ? 'inconnu' : `${integer(x.medianDelayDays)} j`), num: true },
    ],
    rows,
  );
}

/**
 * The buyer page (`/acheteurs/:id`, catalog) answers a SIREN or a SIRET that has contracts; a registered buyer that
 * published nothing (grade E, no contract) or an id that is neither is shown as text.
 */
function buyerCell(x) {
  const id = String(x.buyer);
  if (x.contracts > 0 && /^(\d{9}|\d{14})$/.test(id)) return h('a', { href: `/acheteurs/${encodeURIComponent(id)}`, 'data-buyer': id }, id);
  return x.contracts > 0 ? id : h('span', null, id, h('span', { class: 'hint' }, ' (aucun marché publié)'));
}

/** Names already asked for (SIREN → name or null), kept while the page lives. */
const BUYER_NAMES = new Map();
/** At most this many new names asked per table drawn (one catalog request each, within the public rate limit). */
const NAMES_PER_DRAW = 40;

/** Buyers by name, the SIREN beside it: the grades give SIRENs, the catalog knows their names. */
async function nameBuyers(container) {
  const links = [...container.querySelectorAll('a[data-buyer]')];
  const missing = [...new Set(links.map((a) => a.dataset.buyer))].filter((id) => !BUYER_NAMES.has(id)).slice(0, NAMES_PER_DRAW);
  const apply = () => {
    for (const a of links) if (BUYER_NAMES.get(a.dataset.buyer)) a.textContent = `${BUYER_NAMES.get(a.dataset.buyer)} (${a.dataset.buyer})`;
  };
  apply();
  if (!missing.length) return;
  container.setAttribute('aria-busy', 'true');
  await Promise.allSettled(
    missing.map(async (id) => {
      BUYER_NAMES.set(id, null);
      BUYER_NAMES.set(id, (await api.buyer(id))?.identity?.nom || null);
    }),
  );
  apply();
  container.removeAttribute('aria-busy');
}

function flagsView(r, dq) {
  const byCode = Object.entries(dq?.details?.flags || {})
    .map(([code, n]) => ({ code, n: Number(n) || 0 }))
    .sort((a, b) => b.n - a.n || a.code.localeCompare(b.code));
  return [
    h('p', null, 'Les valeurs corrigées ou écartées à la lecture sont signalées sur le marché, qui reste utilisé. Un marché peut porter plusieurs signalements.'),
    table(
      'Signalements des marchés du périmètre, par nature',
      [
        { label: 'Signalement', value: (x) => FLAGS[x.code] || x.code, rowHeader: true },
        { label: 'Code', value: (x) => h('code', null, x.code) },
        { label: 'Marchés', value: (x) => integer(x.n), num: true },
        { label: 'Part des marchés', value: (x) => percent(r.contracts ? x.n / r.contracts : null), num: true },
      ],
      byCode,
      { empty: 'Aucun signalement sur les marchés de ce périmètre.' },
    ),
  ];
}

/** Groups listed before the rest is summed up (the API returns up to 500). */
const DUPLICATES_SHOWN = 50;

function duplicatesView(r) {
  const items = r.items || [];
  const rule =
    'Même acheteur, même code CPV, même montant au centime (hors montants ronds, multiples de 100 €), mêmes entreprises titulaires (deux établissements d’une entreprise comptent pour une) et dates de notification à 90 jours au plus : un même marché publié sous deux identifiants. Les chiffres de l’observatoire les comptent tels que publiés ; ce tableau dit ce qu’ils comptent en trop.';
  return [
    h('p', null, rule),
    r.groups
      ? h(
          'p',
          { class: 'selection' },
          h('strong', null, `${plural(r.groups, 'groupe', 'groupes')} de doublons probables`),
          ` (${plural(r.contracts, 'marché', 'marchés')}) : ${euros(r.excessAmount)} comptés en trop dans les montants attribués.`,
        )
      : null,
    table(
      'Doublons probables, les plus gros montants comptés en trop d’abord',
      [
        { label: 'Acheteur', value: (g) => h('a', { href: `/acheteurs/${encodeURIComponent(g.acheteurId)}` }, g.acheteurNom || g.acheteurId), rowHeader: true },
        { label: 'Code CPV', value: (g) => h('code', null, g.codeCPV) },
        { label: 'Montant', value: (g) => euros(g.montant), num: true },
        {
          label: 'Publications (identifiant, notification)',
          value: (g) => h('ul', { class: 'plain' }, g.copies.map((c) => h('li', null, h('a', { href: `/contrats/${encodeURIComponent(c.uid)}` }, c.id), ` — ${date(c.dateNotification)}`))),
        },
        { label: 'Titulaire (SIREN)', value: (g) => g.titulaires.join(', ') },
        { label: 'Compté en trop', value: (g) => euros(g.excessAmount), num: true },
      ],
      items.slice(0, DUPLICATES_SHOWN),
      { empty: 'Aucun doublon probable parmi les marchés de ce périmètre.' },
    ),
    r.groups > DUPLICATES_SHOWN ? h('p', { class: 'hint' }, `${integer(DUPLICATES_SHOWN)} premiers groupes affichés sur ${integer(r.groups)} ; la liste complète est dans l’API ouverte (/api/qualite/doublons).`) : null,
  ];
}

function ageText(days) {
  if (days == null) return 'inconnu';
  if (days < 1) return 'moins d’un jour';
  return plural(days, 'jour', 'jours');
}

function sourcesView(r) {
  const items = r.items || [];
  const stale = items.filter((s) => s.stale).length;
  return [
    items.length
      ? h('p', null, `${plural(items.length, 'source', 'sources')} de données, dont ${integer(stale)} en retard : une source est en retard quand son dernier chargement date de plus de ${plural(r.staleAfterDays, 'jour', 'jours')}.`)
      : null,
    table(
      'Dernier chargement de chaque source, les plus anciens d’abord',
      [
        { label: 'Source', value: (s) => s.source, rowHeader: true },
        { label: 'État', value: (s) => (s.stale ? badge('En retard', 'warn') : badge('À jour', 'ok')) },
        { label: 'Dernier chargement', value: (s) => dateAndTime(s.lastFinishedAt) },
        { label: 'Ancienneté', value: (s) => ageText(s.ageDays), num: true },
        { label: 'Fichiers', value: (s) => integer(s.files), num: true },
        { label: 'Enregistrements', value: (s) => integer(s.records), num: true },
        { label: 'Acceptés', value: (s) => integer(s.accepted), num: true },
        { label: 'dont signalés', value: (s) => integer(s.flagged), num: true },
        { label: 'Quarantaine', value: (s) => integer(s.quarantined), num: true },
        { label: 'Doublons', value: (s) => integer(s.duplicates), num: true },
      ],
      items,
      { empty: 'Aucun chargement enregistré : aucune source de données pour l’instant.' },
    ),
  ];
}

function freshnessText(hours) {
  if (hours == null) return 'aucun contenu nouveau reçu';
  if (hours < 48) return `il y a ${decimal(hours)} h`;
  return `il y a ${plural(Math.floor(hours / 24), 'jour', 'jours')}`;
}

function feedsView(r) {
  const items = r.items || [];
  if (!items.length) {
    return h('p', { class: 'empty' }, 'Aucun flux d’acheteur n’est enregistré : les données viennent pour l’instant des fichiers chargés directement (voir la fraîcheur par source ci-dessus).');
  }
  const late = items.filter((f) => f.enabled && f.alert === 'stale').length;
  const failing = items.filter((f) => f.enabled && f.alert === 'failing').length;
  return [
    h('p', null, `${plural(items.length, 'flux', 'flux')} de données essentielles publiés par les acheteurs, dont ${integer(late)} en retard et ${integer(failing)} en échec.`),
    table(
      'État des flux des acheteurs',
      [
        { label: 'Acheteur', value: (f) => [f.buyer?.nom || f.buyer?.siret || '—', f.buyer?.nom && f.buyer?.siret ? h('span', { class: 'hint' }, ` (SIRET ${f.buyer.siret})`) : null], rowHeader: true },
        { label: 'Type', value: (f) => FEED_KINDS[f.kind] || f.kind },
        { label: 'État', value: (f) => (!f.enabled ? badge('Désactivé') : FEED_ALERTS[f.alert] ? badge(FEED_ALERTS[f.alert][0], FEED_ALERTS[f.alert][1]) : badge(f.alert || '—')) },
        { label: 'Dernière collecte', value: (f) => (f.lastPullAt ? `${dateAndTime(f.lastPullAt)}${f.lastResult ? ` — ${PULL_RESULTS[f.lastResult] || f.lastResult}` : ''}` : 'jamais') },
        { label: 'Dernier contenu nouveau', value: (f) => freshnessText(f.freshnessHours) },
        { label: 'Échecs consécutifs', value: (f) => integer(f.consecutiveFailures), num: true },
      ],
      items,
    ),
  ];
}

function runsView(r) {
  return table(
    'Derniers chargements de fichiers',
    [
      { label: 'Début', value: (x) => dateAndTime(x.startedAt), rowHeader: true },
      { label: 'Déclencheur', value: (x) => TRIGGERS[x.trigger] || x.trigger },
      { label: 'Fichiers', value: (x) => integer(x.summary?.files), num: true },
      { label: 'Enregistrements', value: (x) => integer(x.summary?.records), num: true },
      { label: 'Acceptés', value: (x) => integer(x.summary?.accepted), num: true },
      { label: 'dont signalés', value: (x) => `${integer(x.summary?.flagged)} (${percent(x.summary?.records ? x.summary.flagged / x.summary.records : null)})`, num: true },
      { label: 'Quarantaine', value: (x) => integer(x.summary?.quarantined), num: true },
      { label: 'Doublons', value: (x) => integer(x.summary?.duplicates), num: true },
      { label: 'Publiés', value: (x) => integer(x.summary?.published), num: true },
    ],
    r.items,
    { empty: 'Aucun chargement enregistré.' },
  );
}

/** A quarantine page's address: the page's filters kept, `page` omitted for the first. */
function pageHref(n, filters) {
  const p = new URLSearchParams(filters);
  if (n > 1) p.set('page', String(n));
  const qs = p.toString();
  return `/qualite${qs ? `?${qs}` : ''}`;
}

function quarantineView(r, page, filters) {
  const pages = Math.max(1, Math.ceil(r.total / PAGE_SIZE));
  const nav =
    pages > 1
      ? h(
          'nav',
          { class: 'btn-row', 'aria-label': 'Pages de la quarantaine' },
          page > 1 ? h('a', { class: 'btn', href: pageHref(page - 1, filters) }, '← Page précédente') : null,
          h('span', null, `Page ${page} sur ${pages}`),
          page < pages ? h('a', { class: 'btn', href: pageHref(page + 1, filters) }, 'Page suivante →') : null,
        )
      : null;
  return [
    h('p', null, r.total === 0 ? 'Aucun enregistrement en quarantaine.' : `${integer(r.total)} enregistrement(s) écarté(s).`),
    r.items.length
      ? table(
          'Enregistrements écartés',
          [
            { label: 'Fichier', value: (x) => `${x.file} (n° ${integer(x.position)})`, rowHeader: true },
            { label: 'Source', value: (x) => `${x.source} · ${x.format}` },
            { label: 'Identifiant', value: (x) => [x.recordId, x.acheteurId && `acheteur ${x.acheteurId}`].filter(Boolean).join(' — ') || 'aucun' },
            { label: 'Motifs', value: (x) => h('ul', null, (x.reasons || []).map((m) => h('li', null, QUARANTINE_REASONS[m.code] || m.message, m.field ? ` (${m.field})` : ''))) },
            { label: 'Donnée brute', value: (x) => h('details', null, h('summary', null, 'Afficher'), h('pre', { class: 'raw' }, typeof x.raw === 'string' ? x.raw : JSON.stringify(x.raw, null, 2))) },
          ],
          r.items,
        )
      : null,
    nav,
  ];
}
