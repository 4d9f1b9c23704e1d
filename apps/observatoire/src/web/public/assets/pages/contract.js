import { api } from '../api.js';
import { CATEGORIES, FLAGS, ROLES, STATUSES, UNKNOWN_REASONS, PURCHASE_TYPES, DEPARTEMENTS, date, euros, integer, months, percent, cpvDivisionLabel, objetLabel } from '../format.js';
import { badge, errorBox, facts, h, loading, section, table } from '../ui.js';

const yesNo = (v) => (v === true ? 'Oui' : v === false ? 'Non' : 'Non renseigné');

function orgName(view, fallback) {
  return view?.nom || view?.profile?.nom || fallback || view?.id || 'Inconnu';
}

export async function render(main, ctx) {
  const uid = ctx.params.uid;
  main.append(h('h1', null, 'Marché'), loading());
  let d;
  try {
    d = await api.contract(uid, ctx);
  } catch (err) {
    if (err?.name === 'AbortError') return;
    ctx.setTitle('Marché');
    main.replaceChildren(h('h1', null, 'Marché'), errorBox(err, 'ce marché'), h('p', null, h('a', { href: '/recherche' }, 'Rechercher un autre marché')));
    return;
  }
  const c = d.contract;
  ctx.setTitle(objetLabel(c.objet));
  const buyerName = orgName(d.acheteur, c.enrichment?.acheteur?.nom || c.acheteur?.denominationSociale);
  const kindLabel = c.kind === 'concession' ? 'Contrat de concession' : 'Marché public';

  main.replaceChildren(
    ...[h('nav', { class: 'breadcrumb', 'aria-label': 'Fil d’Ariane' }, h('ol', null, h('li', null, h('a', { href: '/' }, 'Accueil')), h('li', null, h('a', { href: '/recherche' }, 'Marchés')), h('li', null, h('span', { 'aria-current': 'page' }, c.id)))),
    h('h1', null, objetLabel(c.objet)),
    h('p', { class: 'subtitle' }, `${kindLabel} n° ${c.id} — notifié le ${date(c.dateNotification)} par `, h('a', { href: `/acheteurs/${encodeURIComponent(d.acheteur.id)}` }, buyerName)),
    h(
      'dl',
      { class: 'figures' },
      figure('Montant actuel', c.montant != null ? euros(c.montant) : 'Non publié', c.montantUtilisable ? (c.montantInitial != null && c.montantInitial !== c.montant ? `initial : ${euros(c.montantInitial)}` : null) : 'inutilisable : exclu des totaux'),
      figure('Durée', months(c.dureeMois), c.dureeMoisInitiale != null && c.dureeMoisInitiale !== c.dureeMois ? `initiale : ${months(c.dureeMoisInitiale)}` : null),
      figure('Titulaires', integer(d.titulaires.length), d.titulaires.length > 1 ? 'groupement' : null),
      figure('Versions', integer(d.versions.length), d.versions.length > 1 ? `${d.versions.length - 1} modification(s)` : 'aucune modification'),
    ),
    section(
      'Caractéristiques',
      facts([
        ['Acheteur', h('a', { href: `/acheteurs/${encodeURIComponent(d.acheteur.id)}` }, buyerName)],
        ['SIRET de l’acheteur', d.acheteur.id],
        ['Code CPV', c.codeCPV ? `${c.codeCPV} (${cpvDivisionLabel(c.cpvDivision)})` : 'Non renseigné'],
        ['Type d’achat', PURCHASE_TYPES[c.purchaseType] || 'Non renseigné'],
        ['Nature', c.nature],
        ['Procédure', c.procedure || 'Non renseignée'],
        ['Techniques d’achat', c.techniques?.join(', ')],
        ['Modalités d’exécution', c.modalitesExecution?.join(', ')],
        ['Lieu d’exécution', c.lieuExecution ? [c.lieuExecution.nom, c.lieuExecution.code && `${c.lieuExecution.typeCode || 'code'} ${c.lieuExecution.code}`].filter(Boolean).join(' — ') : null],
        ['Forme du prix', c.formePrix],
        ['Offres reçues', c.offresRecues != null ? integer(c.offresRecues) : 'Non renseigné'],
        ['Avance', c.attributionAvance == null ? 'Non renseigné' : c.attributionAvance ? `Oui${c.tauxAvance ? ` (${percent(c.tauxAvance)})` : ''}` : 'Non'],
        ['Sous-traitance déclarée', yesNo(c.sousTraitanceDeclaree)],
        ['Marché innovant', yesNo(c.marcheInnovant)],
        ['Considérations sociales', c.considerationsSociales?.length ? c.considerationsSociales.join(', ') : 'Non renseigné'],
        ['Considérations environnementales', c.considerationsEnvironnementales?.length ? c.considerationsEnvironnementales.join(', ') : 'Non renseigné'],
        ['Date de publication des données', date(c.datePublicationDonnees)],
        ['Accord-cadre de rattachement', c.idAccordCadre],
      ]),
    ),
    section('Historique : attribution et modifications', timeline(d.versions, c)),
    section(
      'Titulaires',
      table(
        'Titulaires du marché (état actuel)',
        [
          { label: 'Entreprise', value: (t) => h('a', { href: `/titulaires/${encodeURIComponent(t.organisation.id)}` }, orgName(t.organisation, titulaireName(c, t.organisation.id))), rowHeader: true },
          { label: 'Identifiant', value: (t) => t.organisation.id },
          { label: 'Rôle', value: (t) => ROLES[t.role] || t.role },
          { label: 'Taille', value: (t) => sizeOf(t.organisation, c) },
          { label: 'Localisation', value: (t) => placeOf(t.organisation, c) },
          { label: 'Identification', value: (t) => statusOf(t.organisation) },
        ],
        d.titulaires,
        { empty: 'Aucun titulaire publié.' },
      ),
    ),
    d.actesSousTraitance?.length
      ? section(
          'Sous-traitance',
          table(
            'Actes de sous-traitance',
            [
              { label: 'Sous-traitant', value: (a) => a.sousTraitantId || 'Non renseigné', rowHeader: true },
              { label: 'Montant', value: (a) => euros(a.montant), num: true },
              { label: 'Durée', value: (a) => months(a.dureeMois), num: true },
              { label: 'Notification', value: (a) => date(a.dateNotification) },
            ],
            d.actesSousTraitance,
          ),
        )
      : null,
    section('Qualité des données', flagsOf(c.flags)),
    section(
      'Provenance',
      h('p', null, 'Fichiers sources où ce marché a été lu (un marché publié par plusieurs sources est fusionné).'),
      table(
        'Provenance des données',
        [
          { label: 'Source', value: (p) => p.source, rowHeader: true },
          { label: 'Fichier', value: (p) => p.file },
          { label: 'Position', value: (p) => integer(p.position), num: true },
          { label: 'Format', value: (p) => p.format },
          { label: 'Version du schéma', value: (p) => p.schemaVersion || '—' },
        ],
        d.provenance?.length ? d.provenance : c.provenance,
      ),
    ),
    ].filter(Boolean),
  );
}

function figure(label, value, note) {
  return h('div', { class: 'figure' }, h('dt', null, label), h('dd', null, h('span', { class: 'figure-value' }, value), note ? h('span', { class: 'figure-note' }, note) : null));
}

function titulaireName(c, id) {
  return c.enrichment?.titulaires?.find((t) => t.id === id)?.nom || c.titulaires?.find((t) => t.id === id)?.denominationSociale || null;
}

/** Where a supplier's size comes from, in words (the profile's origin, or the consolidator's enrichment). */
const SIZE_SOURCES = {
  'sirene-stock': 'stock SIRENE de l’INSEE',
  'recherche-entreprises-api': 'API Recherche d’entreprises',
  'decp.info': 'enrichissement decp.info',
};

function sizeOf(org, c) {
  const p = org.profile;
  const fromProfile = p?.categorieEntreprise;
  const cat = fromProfile || c.enrichment?.titulaires?.find((t) => t.id === org.id)?.categorie;
  const parts = [badge(cat ? CATEGORIES[cat] || cat : 'Taille inconnue', cat ? '' : 'warn')];
  if (p?.tpe === true) parts.push(' ', badge('TPE'));
  const origin = fromProfile ? p.origin : cat ? c.enrichment?.origin || 'decp.info' : null;
  if (origin) parts.push(h('small', { class: 'hint' }, ` (source : ${SIZE_SOURCES[origin] || origin})`));
  return h('span', null, parts);
}

function placeOf(org, c) {
  const p = org.profile;
  const e = c.enrichment?.titulaires?.find((t) => t.id === org.id);
  const dep = p?.departementCode || e?.departementCode;
  return [p?.communeNom, p?.epciNom, dep ? (DEPARTEMENTS[dep] ? `${DEPARTEMENTS[dep]} (${dep})` : `Département ${dep}`) : null].filter(Boolean).join(' · ') || 'Inconnue';
}

function statusOf(org) {
  const label = STATUSES[org.status] || org.status;
  if (org.status === 'resolved' && org.profile?.origin && org.profile.origin !== 'sirene-stock') return `identifié (source : ${org.profile.origin})`;
  const reason = org.profile?.unknownReason ? ` — ${UNKNOWN_REASONS[org.profile.unknownReason] || org.profile.unknownReason}` : '';
  return `${label}${reason}`;
}

function timeline(versions, c) {
  const list = versions?.length ? versions : c.versions;
  return h(
    'ol',
    { class: 'timeline' },
    list.map((v) =>
      h(
        'li',
        { class: v.kind },
        h('h3', null, v.kind === 'initial' ? 'Attribution initiale' : `Modification n° ${v.seq}`, ' — ', date(v.dateNotification)),
        facts([
          ['Montant (total après cette version)', v.montant != null ? euros(v.montant) : v.kind === 'modification' ? 'inchangé' : 'Non publié'],
          ['Durée', v.dureeMois != null ? months(v.dureeMois) : v.kind === 'modification' ? 'inchangée' : null],
          ['Titulaires', v.titulaires ? v.titulaires.map((t) => t.denominationSociale || titulaireName(c, t.id) || t.id).join(', ') : v.kind === 'modification' ? 'inchangés' : null],
          ['Objet de la modification', v.objetModification],
          ['Publiée le', v.datePublication || v.datePublicationDonnees ? date(v.datePublication || v.datePublicationDonnees) : null],
        ]),
      ),
    ),
  );
}

function flagsOf(flags) {
  if (!flags?.length) return h('p', null, badge('Aucune anomalie', 'ok'), ' Ce marché n’a déclenché aucun contrôle de qualité.');
  return h(
    'div',
    null,
    h('p', null, 'Contrôles automatiques à la lecture du fichier. Une anomalie ne rejette pas le marché : elle est signalée, et corrigée quand c’est sans ambiguïté.'),
    h(
      'ul',
      { class: 'flags' },
      flags.map((f) =>
        h('li', null, h('strong', null, FLAGS[f.code] || f.message), f.field ? ` (champ ${f.field})` : '', f.original ? ` — valeur publiée : « ${f.original} »` : '', ' ', h('code', null, f.code)),
      ),
    ),
  );
}
