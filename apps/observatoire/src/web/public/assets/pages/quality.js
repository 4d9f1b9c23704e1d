import { api } from '../api.js';
import { QUARANTINE_REASONS, TRIGGERS, dateAndTime, integer, percent } from '../format.js';
import { fill, h, section, table } from '../ui.js';

const PAGE_SIZE = 20;

export async function render(main, ctx) {
  ctx.setTitle('Qualité des données');
  const page = Math.max(1, Number(ctx.query.get('page')) || 1);
  const runs = h('div');
  const quarantine = h('div');
  main.append(
    h('h1', null, 'Qualité des données'),
    h('p', { class: 'lead' }, 'Chaque fichier DECP est contrôlé à la lecture. Un enregistrement exploitable est accepté, avec des signalements si des valeurs ont été corrigées ou écartées ; un enregistrement inexploitable (sans acheteur, sans identifiant…) est mis en quarantaine et listé ici. Les doublons exacts sont comptés à part.'),
    section('Derniers chargements', runs),
    section('Enregistrements en quarantaine', quarantine),
  );

  fill(
    runs,
    () => api.ingestRuns(ctx),
    (r) =>
      table(
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
      ),
    'l’historique des chargements',
  );

  fill(
    quarantine,
    () => api.quarantine({ limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }, ctx),
    (r) => {
      const pages = Math.max(1, Math.ceil(r.total / PAGE_SIZE));
      const nav = pages > 1 ? h('nav', { class: 'btn-row', 'aria-label': 'Pages de la quarantaine' }, page > 1 ? h('a', { class: 'btn', href: `/qualite?page=${page - 1}` }, '← Page précédente') : null, h('span', null, `Page ${page} sur ${pages}`), page < pages ? h('a', { class: 'btn', href: `/qualite?page=${page + 1}` }, 'Page suivante →') : null) : null;
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
    },
    'la quarantaine',
  );
}
