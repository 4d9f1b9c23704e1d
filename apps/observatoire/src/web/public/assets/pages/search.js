import { api, FACET_TO_PAGE_PARAM, FACETS_FILTERING_UNKNOWN, pageParamValues } from '../api.js';
import { BUYER_TYPES, CATEGORIES, DEPARTEMENTS, PURCHASE_TYPES, cpvDivisionLabel, date, euros, integer, plural, objetLabel } from '../format.js';
import { errorBox, h, loading, safeHighlight, badge } from '../ui.js';

const FACET_TITLES = {
  purchaseType: 'Type d’achat',
  cpvDivision: 'Secteur (division CPV)',
  buyerDepartement: 'Département de l’acheteur',
  buyerType: 'Type d’acheteur',
  supplierCategorie: 'Taille du titulaire',
  procedure: 'Procédure',
  year: 'Année de notification',
};
const FACET_LABEL = {
  purchaseType: (k) => PURCHASE_TYPES[k] || k,
  cpvDivision: cpvDivisionLabel,
  buyerDepartement: (k) => (DEPARTEMENTS[k] ? `${DEPARTEMENTS[k]} (${k})` : k),
  buyerType: (k) => BUYER_TYPES[k] || k,
  supplierCategorie: (k) => CATEGORIES[k] || k,
};
const facetLabel = (name, key) => (key === 'unknown' || key === '' ? 'Inconnu' : (FACET_LABEL[name] || String)(key));
const PARAM_TO_FACET = Object.fromEntries(Object.entries(FACET_TO_PAGE_PARAM).map(([f, p]) => [p, f]));

/** The page address with some parameters changed: null removes one, a list repeats it (`cpv=45&cpv=71`). */
function urlWith(query, changes) {
  const p = new URLSearchParams(query);
  for (const [k, v] of Object.entries(changes)) {
    p.delete(k);
    for (const x of Array.isArray(v) ? v : [v]) if (x !== null && x !== undefined && x !== '') p.append(k, x);
  }
  const qs = p.toString();
  return `/recherche${qs ? `?${qs}` : ''}`;
}

/** The address with one value of a facet ticked or unticked, the other ticked values of that facet kept. */
function toggled(query, param, key) {
  const selected = pageParamValues(query, param);
  return urlWith(query, { [param]: selected.includes(key) ? selected.filter((v) => v !== key) : [...selected, key] });
}

export async function render(main, ctx) {
  const q = ctx.query.get('q') || '';
  ctx.setTitle(q ? `Recherche « ${q} »` : 'Rechercher un marché');
  const tri = ctx.query.get('tri') || 'pertinence';

  const input = h('input', { id: 'q', type: 'search', name: 'q', value: q, placeholder: 'Objet, acheteur, titulaire, code CPV…', autocomplete: 'off' });
  const sort = h(
    'select',
    { id: 'tri', name: 'tri' },
    h('option', { value: 'pertinence' }, 'Pertinence'),
    h('option', { value: 'date' }, 'Date (plus récents)'),
    h('option', { value: 'montant' }, 'Montant (plus élevés)'),
  );
  sort.value = tri;
  const form = h(
    'form',
    { role: 'search', 'aria-label': 'Rechercher des marchés', class: 'filters', action: '/recherche', method: 'get' },
    h('div', { class: 'field', style: 'flex:1 1 22rem' }, h('label', { for: 'q' }, 'Mots-clés'), input),
    h('div', { class: 'field' }, h('label', { for: 'tri' }, 'Trier par'), sort),
    h('div', { class: 'field field-submit' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Rechercher')),
  );
  const go = (keepFocus) => ctx.navigate(urlWith(ctx.query, { q: input.value.trim(), tri: sort.value === 'pertinence' ? null : sort.value }), { keepFocus });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    go(true);
  });
  sort.addEventListener('change', () => go(true));

  const summary = h('p', { id: 'results-summary', role: 'status', 'aria-live': 'polite' });
  const chips = h('ul', { class: 'chips', 'aria-label': 'Filtres actifs' });
  const facetsBox = h('aside', { class: 'facets', 'aria-label': 'Affiner les résultats' });
  const list = h('ol', { class: 'results', 'aria-labelledby': 'results-title' });
  const more = h('div', { class: 'btn-row' });
  const resultsCol = h('div', null, h('h2', { id: 'results-title', class: 'visually-hidden' }, 'Résultats'), summary, chips, list, more);
  main.append(h('h1', null, 'Rechercher un marché'), form, h('div', { class: 'search-layout' }, facetsBox, resultsCol));

  // active filters, one removable chip per ticked value
  for (const [param, facet] of Object.entries(PARAM_TO_FACET)) {
    for (const v of pageParamValues(ctx.query, param)) {
      chips.append(h('li', null, h('a', { class: 'chip', href: toggled(ctx.query, param, v), 'aria-label': `Retirer le filtre ${FACET_TITLES[facet]} : ${facetLabel(facet, v)}` }, `${FACET_TITLES[facet]} : ${facetLabel(facet, v)}`, h('span', { 'aria-hidden': 'true' }, ' ×'))));
    }
  }
  if (ctx.query.get('acheteur')) chips.append(h('li', null, h('a', { class: 'chip', href: urlWith(ctx.query, { acheteur: null }) }, `Acheteur ${ctx.query.get('acheteur')} ×`)));

  list.replaceChildren(h('li', null, loading('Recherche en cours…')));
  let result;
  try {
    result = await api.search(ctx.query, {}, ctx);
  } catch (err) {
    if (err?.name === 'AbortError') return;
    list.replaceChildren(h('li', null, errorBox(err, 'la recherche')));
    return;
  }
  if (!ctx.isCurrent()) return;
  const shown = () => list.querySelectorAll('li.result').length;
  summary.textContent = result.total === 0 ? 'Aucun marché ne correspond.' : `${plural(result.total, 'marché trouvé', 'marchés trouvés')}${q ? ` pour « ${q} »` : ''}.`;
  list.replaceChildren();
  if (result.total === 0) list.append(h('li', { class: 'empty' }, 'Essayez des mots plus généraux, ou retirez un filtre.'));
  appendItems(list, result.items);
  renderFacets(facetsBox, result.facets || {}, ctx.query);

  let cursor = result.nextCursor;
  const renderMore = () => {
    more.replaceChildren();
    if (!cursor) return;
    const btn = h('button', { type: 'button', class: 'btn' }, 'Résultats suivants');
    btn.addEventListener('click', async () => {
      btn.disabled = true;
      btn.textContent = 'Chargement…';
      try {
        const next = await api.search(ctx.query, { cursor }, ctx);
        const firstNew = appendItems(list, next.items);
        cursor = next.nextCursor;
        summary.textContent = `${integer(shown())} sur ${plural(result.total, 'marché affiché', 'marchés affichés')}.`;
        renderMore();
        firstNew?.querySelector('a')?.focus();
      } catch (err) {
        more.replaceChildren(errorBox(err, 'les résultats suivants'));
      }
    });
    more.append(btn);
  };
  renderMore();
}

function appendItems(list, items) {
  let first = null;
  for (const it of items) {
    const d = it.doc || {};
    const title = it.highlight ? safeHighlight(it.highlight) : d.objet || `${objetLabel(d.objet)}${d.cpvLabel ? ` — ${d.cpvLabel}` : ''}`;
    const li = h(
      'li',
      { class: 'result' },
      h('h3', null, h('a', { href: it.link || `/contrats/${encodeURIComponent(it.uid)}` }, title)),
      h(
        'p',
        { class: 'meta' },
        h('span', { class: 'amount' }, d.amount != null ? euros(d.amount) : d.montant != null ? `${euros(d.montant)} (montant inutilisable)` : 'Montant non publié'),
        h('span', null, `Notifié le ${date(d.dateNotification)}`),
        d.buyer?.nom || d.buyer?.siret ? h('span', null, 'Acheteur : ', d.buyer.siret ? h('a', { href: `/acheteurs/${d.buyer.siret}` }, d.buyer.nom || d.buyer.siret) : d.buyer.nom) : null,
        d.cpvLabel || d.codeCPV ? h('span', null, `CPV ${d.codeCPV || ''} ${d.cpvLabel ? `– ${d.cpvLabel}` : ''}`) : null,
        d.procedure ? h('span', null, d.procedure) : null,
      ),
      d.titulaires?.length
        ? h(
            'p',
            { class: 'meta' },
            h('span', null, d.titulaires.length > 1 ? 'Titulaires : ' : 'Titulaire : '),
            d.titulaires.map((t, i) => [i ? ', ' : '', t.siret ? h('a', { href: `/titulaires/${t.siret}` }, t.nom || t.siret) : t.nom || 'inconnu', ' ', badge(CATEGORIES[t.categorie] || 'Taille inconnue')]),
          )
        : null,
    );
    list.append(li);
    first ??= li;
  }
  return first;
}

/** The first buckets of a facet, plus the ticked ones further down (always shown, so they can be unticked). */
const SHOWN_BUCKETS = 12;
function shownBuckets(buckets, selected) {
  return buckets.filter((b, i) => i < SHOWN_BUCKETS || selected.includes(String(b.key)));
}

// Facets are disjunctive (API): a facet keeps all its values once one is ticked, each with the number of
// contracts it would add; ticking several values of a facet combines them with OR.
function renderFacets(box, facets, query) {
  box.replaceChildren(
    h('h2', { class: 'visually-hidden' }, 'Affiner'),
    h('a', { href: '#results-title', class: 'skip-facets visually-hidden-focusable', onclick: skipToResults }, 'Aller aux résultats'),
    h('p', { class: 'facets-hint' }, 'Cochez une ou plusieurs valeurs : les valeurs d’une même rubrique s’additionnent (OU), les rubriques se combinent (ET).'),
  );
  for (const [name, title] of Object.entries(FACET_TITLES)) {
    const buckets = facets[name];
    if (!buckets || buckets.length === 0) continue;
    const param = FACET_TO_PAGE_PARAM[name];
    const selected = pageParamValues(query, param);
    const id = `facet-${name}`;
    box.append(
      h(
        'section',
        { class: 'facet', 'aria-labelledby': id },
        h('h3', { id }, title),
        h(
          'ul',
          null,
          shownBuckets(buckets, selected).map((b) => {
            const active = selected.includes(String(b.key));
            if ((b.key === 'unknown' || b.key === '') && !FACETS_FILTERING_UNKNOWN.has(name)) {
              return h('li', null, h('span', { class: 'facet-static' }, h('span', null, facetLabel(name, b.key)), h('span', { class: 'count' }, `${integer(b.count)} · ${euros(b.amount)}`)));
            }
            return h(
              'li',
              null,
              h(
                'a',
                { href: toggled(query, param, String(b.key)), 'aria-current': active ? 'true' : null, title: active ? 'Décocher (retirer ce filtre)' : 'Cocher (ajouter ce filtre)' },
                h('span', { class: 'facet-label' }, h('span', { class: 'facet-box', 'aria-hidden': 'true' }), facetLabel(name, b.key), active ? h('span', { class: 'visually-hidden' }, ' (coché)') : null),
                h('span', { class: 'count' }, `${integer(b.count)} · ${euros(b.amount)}`),
              ),
            );
          }),
        ),
      ),
    );
  }
}

function skipToResults(e) {
  e.preventDefault();
  const first = document.querySelector('.results .result a');
  (first || document.getElementById('results-summary'))?.focus();
}
