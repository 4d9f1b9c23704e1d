// "Préparer un achat": before buying, the local supplier base for a planned purchase and how similar purchases went.
import { api, preparePurchaseParams } from '../api.js';
import { CATEGORIES, cpvLabel, date, decimal, euros, integer, percent, territoryLabel } from '../format.js';
import { chartFigure, cpvSelect, errorBox, field, figures, filterForm, h, loading, section, table, territorySelect } from '../ui.js';

const DEFAULT_TERRITORY = 'bretagne';
/** The local-share indicator that matches the territory's level. */
const LOCAL_KEY = { epci: 'local-share-epci', departement: 'local-share-departement', region: 'local-share-bretagne', bretagne: 'local-share-bretagne' };
const LEVEL_WORDS = { epci: 'l’intercommunalité', departement: 'le département', region: 'la région', bretagne: 'la Bretagne' };

export async function render(main, ctx) {
  const q = ctx.query;
  const params = preparePurchaseParams(q);
  if (!params.territoire) params.territoire = DEFAULT_TERRITORY;
  const level = params.territoire.split(':')[0];
  ctx.setTitle('Préparer un achat');

  const body = h('div', null, loading());
  const cpvInput = h('input', { type: 'text', name: 'cpv', value: params.cpv || '', inputmode: 'numeric', pattern: '\\d{2,8}', size: '10' });
  const montantInput = h('input', { type: 'number', name: 'montant', value: params.montant || '', min: '1', step: 'any', inputmode: 'decimal' });
  main.append(
    h('h1', null, 'Préparer un achat'),
    h(
      'p',
      { class: 'lead' },
      'Décrivez l’achat que vous préparez : l’observatoire montre les entreprises de votre territoire qui ont déjà remporté des marchés similaires, la part locale et la part des PME de ces marchés, les procédures utilisées et le nombre d’offres reçues.',
    ),
    filterForm(
      ctx,
      [
        field('Secteur (division CPV)', cpvSelect('cpvDivision', params.cpv && params.cpv.length === 2 ? params.cpv : '', { allowAll: true })),
        field('ou code CPV précis', cpvInput, 'préfixe de 2 à 8 chiffres, ex. 45233'),
        field('Montant estimé (€ HT)', montantInput, 'marchés similaires : de ×0,3 à ×3 ce montant'),
        field('Votre territoire', territorySelect('territoire', params.territoire, { allowAll: false })),
        field('Du', h('input', { type: 'date', name: 'du', value: params.du || '' })),
        field('Au', h('input', { type: 'date', name: 'au', value: params.au || '' })),
      ],
      { label: 'Décrire l’achat prévu', submitLabel: 'Voir' },
    ),
    body,
  );
  // the division select and the free CPV field feed the same `cpv` parameter (as on "Prix pratiqués")
  const division = main.querySelector('form.filters').elements.cpvDivision;
  division.removeAttribute('name');
  division.addEventListener('change', () => (cpvInput.value = division.value));

  if (!params.cpv) {
    body.replaceChildren(h('p', { class: 'notice notice-info' }, 'Choisissez un secteur (division CPV) ou un code CPV, et indiquez le montant estimé de votre achat.'));
    return;
  }

  // no amount yet: start from the median awarded amount of the sector on the territory, said as such
  let assumed = null;
  if (!params.montant) {
    try {
      const prices = await api.prices({ cpv: params.cpv, territoire: params.territoire }, ctx);
      assumed = prices.amounts.median;
    } catch (err) {
      if (err?.name === 'AbortError') return;
    }
    if (!ctx.isCurrent()) return;
    if (!assumed) {
      body.replaceChildren(h('p', { class: 'notice notice-info' }, 'Indiquez le montant estimé de votre achat.'));
      return;
    }
    assumed = Math.round(assumed);
    params.montant = String(assumed);
    montantInput.value = params.montant;
  }

  let r;
  try {
    r = await api.preparePurchase(params, ctx);
  } catch (err) {
    if (err?.name === 'AbortError') return;
    body.replaceChildren(errorBox(err, 'la préparation de l’achat'));
    return;
  }
  if (!ctx.isCurrent()) return;

  const period = params.du || params.au ? `, notifiés du ${params.du ? date(params.du) : '…'} au ${params.au ? date(params.au) : '…'}` : '';
  const band = r.purchase.band;
  const where = territoryLabel(params.territoire);
  const selection = h('h2', { class: 'selection' }, `${cpvLabel(params.cpv)} — ${where}, autour de ${euros(r.purchase.montant)}`);
  const scope = h(
    'p',
    null,
    `Marchés similaires : même code CPV (${params.cpv}…), montant entre ${euros(band.amountMin)} et ${euros(band.amountMax)}${period}.`,
    assumed ? h('strong', null, ` Montant non renseigné : la médiane des marchés du secteur (${euros(assumed)}) est utilisée.`) : null,
  );
  if (r.similar.everywhere === 0) {
    body.replaceChildren(selection, scope, h('p', { class: 'notice notice-info' }, 'Aucun marché similaire n’a été recensé. Élargissez le code CPV (2 chiffres), la période ou modifiez le montant.'));
    return;
  }

  const ind = (key) => r.indicators.find((i) => i.key === key);
  const local = ind(LOCAL_KEY[level] || 'local-share-bretagne');
  const sme = ind('sme-share');
  const b = r.bids;
  const groups = r.supplierBase.groups;
  const pme = groups.find((g) => g.categorie === 'PME');

  body.replaceChildren(
    selection,
    scope,
    figures([
      { label: 'Entreprises du territoire', value: integer(r.supplierBase.suppliers), note: `ayant remporté un marché similaire, dont ${integer(pme?.suppliers ?? 0)} PME` },
      { label: 'Marchés similaires', value: integer(r.similar.inTerritory), note: `passés par les acheteurs du territoire (${integer(r.similar.everywhere)} tous territoires)` },
      { label: `Part locale (${LEVEL_WORDS[level] || 'territoire'})`, value: percent(local.byCount.value), note: unknownNote(local) },
      { label: 'Part des PME', value: percent(sme.byCount.value), note: unknownNote(sme) },
      { label: 'Offres reçues (médiane)', value: decimal(b.median), note: b.known ? `offre unique : ${percent(b.singleBid.share)} des marchés` : 'nombre d’offres non publié' },
    ]),
    section(
      'Entreprises du territoire ayant remporté des marchés similaires',
      h('p', null, `Entreprises implantées sur le territoire (${where}) qui ont remporté un marché similaire, auprès de tout acheteur, par taille d’entreprise. Montants : leur part des montants attribués, accords-cadres comptés à part (un maximum n’est pas une dépense).`),
      chartFigure({
        title: 'Entreprises du territoire et marchés similaires remportés, par taille',
        summary: groups.map((g) => `${CATEGORIES[g.categorie] || g.label} : ${g.suppliers} entreprises, ${g.contracts} marchés`).join(', '),
        xLabel: 'Taille d’entreprise',
        labels: groups.map((g) => CATEGORIES[g.categorie] || g.label),
        series: [
          { label: 'Entreprises', values: groups.map((g) => g.suppliers), format: integer },
          { label: 'Marchés remportés', values: groups.map((g) => g.contracts), format: integer },
        ],
        yFormat: integer,
      }),
      groups.filter((g) => g.suppliers > 0).map((g) => supplierTable(g)),
      r.supplierBase.unknownLocation
        ? h('p', { class: 'hint' }, `${integer(r.supplierBase.unknownLocation)} titulaire(s) de marchés similaires ont une implantation inconnue : ils ne sont pas comptés comme locaux.`)
        : null,
    ),
    section(
      'Part locale et part des PME des achats similaires',
      table(
        'Parts calculées sur les marchés similaires des acheteurs du territoire',
        [
          { label: 'Indicateur', value: (i) => i.label, rowHeader: true },
          { label: 'En nombre', value: (i) => percent(i.byCount.value), num: true },
          { label: 'En montant', value: (i) => percent(i.byAmount?.value), num: true },
          { label: 'Inconnu (en nombre)', value: (i) => percent(i.byCount.unknownShare), num: true },
        ],
        r.indicators,
      ),
      h('p', { class: 'hint' }, 'Un marché en groupement compte pour une part par co-traitant. L’inconnu (taille ou implantation non connue) est exclu du calcul et indiqué à part.'),
    ),
    section(
      'Procédures habituelles',
      table(
        'Procédures des marchés similaires des acheteurs du territoire',
        [
          { label: 'Procédure', value: (p) => p.procedure, rowHeader: true },
          { label: 'Marchés', value: (p) => integer(p.contracts), num: true },
          { label: 'Part', value: (p) => percent(p.share), num: true },
        ],
        r.procedures.items,
        { empty: 'Aucune procédure publiée.' },
      ),
      r.procedures.unknown ? h('p', { class: 'hint' }, `Procédure non renseignée : ${integer(r.procedures.unknown)} marché(s), hors du calcul des parts.`) : null,
    ),
    section(
      'Nombre d’offres reçues',
      b.known
        ? table(
            'Offres reçues par les marchés similaires des acheteurs du territoire',
            [
              { label: 'Statistique', value: (row) => row.label, rowHeader: true },
              { label: 'Valeur', value: (row) => row.value, num: true },
            ],
            [
              { label: 'Marchés où le nombre d’offres est connu', value: integer(b.known) },
              { label: 'Minimum', value: decimal(b.min) },
              { label: '1er quartile', value: decimal(b.q1) },
              { label: 'Médiane', value: decimal(b.median) },
              { label: '3e quartile', value: decimal(b.q3) },
              { label: 'Maximum', value: decimal(b.max) },
              { label: 'Part des marchés avec une seule offre', value: percent(b.singleBid.share) },
            ],
          )
        : h('p', { class: 'empty' }, 'Le nombre d’offres reçues n’est publié pour aucun de ces marchés.'),
      b.unknown ? h('p', { class: 'hint' }, `Nombre d’offres non publié : ${integer(b.unknown)} marché(s).`) : null,
    ),
    h('div', { class: 'btn-row' }, h('a', { class: 'btn', href: `/prix?${new URLSearchParams({ cpv: params.cpv, territoire: params.territoire })}` }, 'Prix pratiqués dans ce secteur')),
  );
}

function unknownNote(i) {
  return i.byCount.unknown ? `inconnu : ${percent(i.byCount.unknownShare)} des marchés` : 'sur les marchés de taille ou lieu connus';
}

function supplierTable(g) {
  return table(
    `${CATEGORIES[g.categorie] || g.label} : ${integer(g.suppliers)} entreprise(s)${g.items.length < g.suppliers ? `, les ${g.items.length} premières` : ''}`,
    [
      { label: 'Entreprise', value: (s) => h('a', { href: s.lien }, s.nom || s.id), rowHeader: true },
      { label: 'Département', value: (s) => s.departementCode || 'Non renseigné' },
      { label: 'Marchés similaires remportés', value: (s) => integer(s.contracts), num: true },
      { label: 'Montant', value: (s) => euros(s.amount), num: true },
      { label: 'dont accords-cadres', value: (s) => (s.frameworkAgreements ? integer(s.frameworkAgreements) : '—'), num: true },
    ],
    g.items,
  );
}
