import { api } from '../api.js';
import { CATEGORIES, DEPARTEMENTS, ROLES, STATUSES, UNKNOWN_REASONS, date, euros, integer, objetLabel } from '../format.js';
import { badge, errorBox, facts, figures, h, loading, section, table } from '../ui.js';

export async function render(main, ctx) {
  const id = ctx.params.id;
  main.append(h('h1', null, 'Titulaire'), loading());
  let s;
  try {
    s = await api.supplier(id, ctx);
  } catch (err) {
    if (err?.name === 'AbortError') return;
    ctx.setTitle('Titulaire');
    main.replaceChildren(h('h1', null, `Titulaire ${id}`), errorBox(err, 'ce titulaire'));
    return;
  }
  const p = s.identity.profile;
  const name = s.identity.nom || p?.nom || `Titulaire ${id}`;
  ctx.setTitle(name);
  const cat = p?.categorieEntreprise;
  main.replaceChildren(
    h('nav', { class: 'breadcrumb', 'aria-label': 'Fil d’Ariane' }, h('ol', null, h('li', null, h('a', { href: '/' }, 'Accueil')), h('li', null, 'Titulaires'), h('li', null, h('span', { 'aria-current': 'page' }, name)))),
    h('h1', null, name),
    h('p', { class: 'subtitle' }, badge(cat ? CATEGORIES[cat] : 'Taille inconnue', cat ? '' : 'warn'), p?.tpe ? [' ', badge('TPE (moins de 10 salariés)')] : null, ' ', [p?.communeNom, p?.departementCode ? DEPARTEMENTS[p.departementCode] || p.departementCode : null].filter(Boolean).join(' · ')),
    figures([
      { label: 'Marchés remportés', value: integer(s.totals.contracts) },
      { label: 'Montant remporté', value: euros(s.totals.montant), note: 'partagé également entre co-traitants' },
      { label: 'Acheteurs', value: integer(s.buyers.length) },
    ]),
    section(
      'Identité',
      facts([
        ['Identifiant', s.scope === 'siren' ? `${s.id} (SIREN : tous les établissements de l’entreprise)` : s.id],
        ...(s.establishments?.length ? [['Établissements titulaires', s.establishments.map((e, i) => [i ? ', ' : '', h('a', { href: `/titulaires/${encodeURIComponent(e)}` }, e)])]] : []),
        ['SIREN', p?.siren],
        ['Catégorie d’entreprise (INSEE)', cat ? CATEGORIES[cat] : 'Inconnue'],
        ['Tranche d’effectifs', p?.trancheEffectifs],
        ['Activité (NAF)', p?.naf],
        ['Commune', p?.communeNom || p?.communeCode],
        ['Intercommunalité', p?.epciNom],
        ['Identification SIRENE', `${STATUSES[s.identity.status] || s.identity.status}${p?.unknownReason ? ` — ${UNKNOWN_REASONS[p.unknownReason] || p.unknownReason}` : ''}`],
      ]),
    ),
    section(
      'Ses acheteurs',
      table(
        'Acheteurs publics de ce titulaire',
        [
          { label: 'Acheteur', value: (b) => h('a', { href: `/acheteurs/${encodeURIComponent(b.id)}` }, b.nom || b.id), rowHeader: true },
          { label: 'Marchés', value: (b) => integer(b.contracts), num: true },
          { label: 'Montant', value: (b) => euros(b.montant), num: true },
        ],
        s.buyers,
      ),
    ),
    section(
      'Marchés remportés',
      table(
        'Derniers marchés remportés',
        [
          { label: 'Objet', value: (c) => h('a', { href: `/contrats/${encodeURIComponent(c.uid)}` }, objetLabel(c.objet)), rowHeader: true },
          { label: 'Rôle', value: (c) => ROLES[c.role] || c.role },
          { label: 'Acheteur', value: (c) => h('a', { href: `/acheteurs/${encodeURIComponent(c.acheteurId)}` }, s.buyers.find((b) => b.id === c.acheteurId)?.nom || c.acheteurId) },
          { label: 'Notification', value: (c) => date(c.dateNotification) },
          { label: 'Montant du marché', value: (c) => euros(c.montant), num: true },
        ],
        s.contracts,
      ),
    ),
  );
}
