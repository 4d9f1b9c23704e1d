import { analyticsParams, api } from '../api.js';
import { cpvLabel, date, euros, integer, eurosCompact, percent, plural, territoryLabel, objetLabel } from '../format.js';
import { badge, chartFigure, cpvSelect, errorBox, field, figures, filterForm, h, loading, section, table, territorySelect, yearSelect } from '../ui.js';

/** The NAF input accepts what the API accepts: 43.21A (dot optional) or a start of code (43, 43.2, 43.21). */
const NAF_PATTERN = '\\s*\\d{2}(\\.?\\d(\\d[A-Za-z]?)?)?\\s*';

export async function render(main, ctx) {
  const q = ctx.query;
  const filters = analyticsParams(q);
  // the sector is a CPV code, or the company's NAF code (`naf=` in the address, mapped to CPV codes by the API)
  const naf = (q.get('naf') || '').trim();
  if (naf) delete filters.cpv;
  const title = `${territoryLabel(filters.territoire)} × ${naf ? `NAF ${naf}` : cpvLabel(filters.cpv)}`;
  ctx.setTitle(`Marchés de mon secteur — ${title}`);
  const period = filters.annee ? `en ${filters.annee}` : filters.du || filters.au ? `du ${filters.du ? date(filters.du) : '…'} au ${filters.au ? date(filters.au) : '…'}` : 'toutes années';

  const body = h('div', null, loading());
  const form = filterForm(ctx, [
    field('Territoire de l’acheteur', territorySelect('territoire', filters.territoire || '')),
    sectorChoice(naf ? 'naf' : 'cpv'),
    field('Secteur (division CPV)', cpvSelect('cpv', filters.cpv || '')),
    field(
      'Code NAF de mon entreprise',
      h('input', { type: 'text', name: 'naf', value: naf, size: '10', autocomplete: 'off', spellcheck: 'false', list: 'naf-codes', pattern: NAF_PATTERN, title: 'Un code NAF comme 43.21A, ou un début de code : 43, 43.2, 43.21' }),
      'Le code NAF (APE) de l’avis de situation SIRENE, ex. 43.21A, ou un début de code (43.2). Il est traduit en codes CPV d’après les marchés que remportent les entreprises de ce code.',
    ),
    h('datalist', { id: 'naf-codes' }),
    field('Année', yearSelect('annee', q.get('annee') || '')),
    field('Du', h('input', { type: 'date', name: 'du', value: q.get('du') || '' })),
    field('Au', h('input', { type: 'date', name: 'au', value: q.get('au') || '' })),
  ], { label: 'Choisir le territoire, le secteur et la période' });
  form.elements.naf.closest('.field').classList.add('field-naf');
  bindSectorChoice(form);
  main.append(
    h('h1', null, 'Marchés de mon secteur'),
    h('p', { class: 'lead' }, 'Ce que les acheteurs d’un territoire ont attribué dans un secteur : montants, nombre de marchés, évolution, principaux acheteurs et derniers marchés. Le secteur se choisit par code CPV, ou par le code NAF de votre entreprise.'),
    form,
    h('h2', { class: 'selection' }, `${title}, ${period}`),
    body,
  );
  fillNafCodes(form.querySelector('#naf-codes'), ctx);

  let s;
  try {
    s = await api.sector(naf ? { ...filters, naf } : filters, ctx);
  } catch (err) {
    if (err?.name === 'AbortError') return;
    body.replaceChildren(errorBox(err, 'les marchés du secteur'));
    return;
  }
  if (!ctx.isCurrent()) return;
  const t = s.totals;
  const mapping = s.secteur ? nafMapping(s.secteur, filters) : null;
  if (s.secteur && s.secteur.cpv.length === 0) {
    body.replaceChildren(mapping);
    return;
  }
  if (t.contracts === 0) {
    body.replaceChildren(mapping || '', h('p', { class: 'notice notice-info' }, 'Aucun marché ne correspond à ces critères. Élargissez le territoire (département, Bretagne), le secteur ou la période.'));
    return;
  }
  const years = s.byYear.filter((y) => y.year != null);
  const qs = new URLSearchParams(filters).toString();
  const codes = s.secteur ? s.secteur.cpv.map((c) => c.code) : filters.cpv ? [filters.cpv] : [];
  const searchQs = new URLSearchParams([...codes.map((c) => ['cpv', c]), ...(filters.annee ? [['annee', filters.annee]] : [])]).toString();
  body.replaceChildren(
    mapping || '',
    figures([
      { label: 'Montant attribué', value: euros(t.amount), note: 'hors accords-cadres' },
      { label: 'Marchés notifiés', value: integer(t.contracts) },
      { label: 'Accords-cadres', value: integer(t.frameworkAgreements.contracts), note: t.frameworkAgreements.contracts ? `maxima cumulés : ${euros(t.frameworkAgreements.maxAmount)}` : null },
      { label: 'Montants inutilisables', value: integer(t.unusableAmounts), note: 'comptés, non additionnés' },
    ]),
    s.probableDuplicates?.groups
      ? h(
          'p',
          { class: 'notice notice-unavailable', role: 'note' },
          h('strong', null, 'Doublons probables : '),
          `${euros(s.probableDuplicates.excessAmount)} de ce montant viennent de ${integer(s.probableDuplicates.contracts)} marchés probablement publiés deux fois sous deux identifiants (même acheteur, même montant au centime, même code CPV, même entreprise). Le montant est donné tel que publié. `,
          h('a', { href: `/qualite${filters.territoire ? `?territoire=${encodeURIComponent(filters.territoire)}` : ''}` }, 'Voir la liste'),
        )
      : '',
    // prices and charter pages take one CPV prefix: from a NAF sector, the codes' own links lead there
    s.secteur ? '' : h('div', { class: 'btn-row' }, h('a', { class: 'btn', href: `/prix?${qs}` }, 'Prix pratiqués dans ce secteur'), h('a', { class: 'btn', href: `/charte?${qs}` }, 'Indicateurs de la charte')),
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
          { label: 'Objet', value: (c) => h('a', { href: c.lien || `/contrats/${encodeURIComponent(c.uid)}` }, objetLabel(c.objet)), rowHeader: true },
          { label: 'Acheteur', value: (c) => h('a', { href: `/acheteurs/${encodeURIComponent(c.acheteur.id)}` }, c.acheteur.nom || c.acheteur.id) },
          { label: 'Notification', value: (c) => date(c.dateNotification) },
          { label: 'Montant', value: (c) => h('span', null, euros(c.montant), c.accordCadre ? [' ', badge('maximum d’accord-cadre', 'warn')] : null, c.montantUtilisable ? null : [' ', badge('inutilisable', 'ko')]), num: true },
        ],
        s.latestContracts,
      ),
      h('p', null, h('a', { href: `/recherche${searchQs ? `?${searchQs}` : ''}` }, 'Voir tous les marchés dans la recherche →')),
    ),
  );
}

/** "Par code CPV / par code NAF de mon entreprise": a radio group; only the chosen field is shown and sent. */
function sectorChoice(mode) {
  const radio = (value, label) => h('label', null, h('input', { type: 'radio', name: 'par', value, checked: mode === value }), label);
  return h('fieldset', { class: 'field field-choice' }, h('legend', null, 'Définir le secteur'), radio('cpv', 'par code CPV'), radio('naf', 'par code NAF de mon entreprise'));
}

function bindSectorChoice(form) {
  const cpv = form.elements.cpv;
  const naf = form.elements.naf;
  const apply = () => {
    const byNaf = form.querySelector('input[name="par"]:checked')?.value === 'naf';
    // a disabled control is neither shown nor part of the form data (hence of the address)
    cpv.disabled = byNaf;
    naf.disabled = !byNaf;
    naf.required = byNaf;
    cpv.closest('.field').hidden = byNaf;
    naf.closest('.field').hidden = !byNaf;
  };
  form.addEventListener('change', (e) => (e.target.name === 'par' ? apply() : null));
  // the choice itself is not a filter: the address keeps `naf=` or `cpv=`, never `par=`
  form.addEventListener('formdata', (e) => e.formData.delete('par'));
  apply();
}

/** Autocompletion of the NAF field: the codes present in the data, by number of contracts won. */
async function fillNafCodes(list, ctx) {
  try {
    const r = await api.sectorNafCodes(ctx);
    if (!ctx.isCurrent()) return;
    list.replaceChildren(...r.items.map((i) => h('option', { value: i.code }, plural(i.contrats, 'marché remporté', 'marchés remportés'))));
  } catch {
    // no suggestion: the field still takes any code
  }
}

/** The CPV codes the NAF code was mapped to, with their shares and the rule: what the results below cover. */
function nafMapping(m, filters) {
  const scope = new URLSearchParams(Object.entries({ territoire: filters.territoire, annee: filters.annee, du: filters.du, au: filters.au }).filter(([, v]) => v));
  const sectorOf = (code) => `/secteur?${new URLSearchParams([...scope, ['cpv', code]])}`;
  const codes = m.codesNaf.length > 1 ? ` (${m.codesNaf.join(', ')})` : '';
  const rule = h('details', null, h('summary', null, 'Comment la correspondance est établie'), h('p', null, m.regle.description), h('p', { class: 'hint' }, 'La correspondance est calculée à partir des marchés publiés et des codes NAF du répertoire SIRENE, pas d’une table officielle NAF–CPV ; elle ne dépend pas du territoire ni de la période choisis.'));
  if (m.cpv.length === 0) {
    return section('Correspondance NAF → CPV', h('p', { class: 'notice notice-info', role: 'status' }, m.message || `Aucun code CPV ne correspond au code NAF ${m.naf}.`), rule);
  }
  return section(
    'Correspondance NAF → CPV',
    h(
      'p',
      { class: 'naf-summary' },
      `Les entreprises de code NAF ${m.naf}${codes} ont remporté ${plural(m.marches, 'marché', 'marchés')} dans les données de l’observatoire. `,
      `${m.cpv.length > 1 ? `Ces ${m.cpv.length} codes CPV en couvrent` : 'Ce code CPV en couvre'} ${percent(m.couverture)} : les résultats ci-dessous portent sur tous les marchés de ${m.cpv.length > 1 ? 'ces codes' : 'ce code'}, quel que soit le titulaire.`,
    ),
    table(
      `Codes CPV retenus pour le code NAF ${m.naf}`,
      [
        { label: 'Code CPV', value: (c) => h('a', { href: sectorOf(c.code), title: `Voir le secteur CPV ${c.code} seul` }, cpvLabel(c.code)), rowHeader: true },
        { label: 'Marchés remportés', value: (c) => integer(c.contrats), num: true },
        { label: 'Part des marchés', value: (c) => percent(c.part), num: true },
        { label: 'Montant', value: (c) => euros(c.montant), num: true },
        { label: 'Part du montant', value: (c) => percent(c.partMontant), num: true },
      ],
      m.cpv,
    ),
    rule,
  );
}
