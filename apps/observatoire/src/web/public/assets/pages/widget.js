import { api } from '../api.js';
import { euros, integer, percent } from '../format.js';
import { errorBox, figures, h, loading } from '../ui.js';

/** Compact card for buyers' own sites (no header/footer): key figures and charter indicators. */
export async function render(main, ctx) {
  const siret = ctx.params.siret;
  const card = h('article', { class: 'widget-card' }, h('h1', null, 'Commande publique'), loading());
  main.append(card);
  const [b, ind] = await Promise.allSettled([api.buyer(siret, ctx), api.indicators({ acheteur: siret }, ctx)]);
  if (!ctx.isCurrent()) return;
  if (b.status === 'rejected' && ind.status === 'rejected') {
    card.replaceChildren(h('h1', null, 'Commande publique'), errorBox(b.reason, 'ces indicateurs'));
    return;
  }
  const name = b.value?.identity?.nom || b.value?.identity?.profile?.nom || `Acheteur ${siret}`;
  ctx.setTitle(`${name} — indicateurs`);
  const get = (k) => ind.value?.indicators?.find((i) => i.key === k);
  const grades = (get('publication-grade')?.details?.grades || []).slice().sort((x, y) => y.year - x.year);
  card.replaceChildren(
    h('h1', null, name),
    h('p', { class: 'subtitle' }, 'Marchés publics — données DECP'),
    figures([
      { label: 'Marchés', value: integer(b.value?.totals?.contracts ?? ind.value?.contracts) },
      { label: 'Montant attribué', value: b.value ? euros(b.value.totals.montant) : '—' },
      { label: 'Part des PME', value: percent(get('sme-share')?.byCount?.value), note: 'en nombre' },
      { label: 'Entreprises du département', value: percent(get('local-share-departement')?.byCount?.value), note: 'en nombre' },
      { label: 'Entreprises bretonnes', value: percent(get('local-share-bretagne')?.byCount?.value), note: 'en nombre' },
      { label: 'Note de publication', value: grades[0] ? `${grades[0].grade} (${grades[0].year})` : '—' },
    ]),
    h('p', null, h('a', { href: `${location.origin}/acheteurs/${encodeURIComponent(siret)}`, target: '_blank', rel: 'noopener' }, 'Détails sur l’Observatoire de la commande publique bretonne')),
  );
}
