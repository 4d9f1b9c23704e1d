// Administration (regional IT): feeds, consumers, dead letters. The admin key lives in sessionStorage only
// (never in the URL, never in localStorage); every call sends it as `Authorization: Bearer`.
import { ApiError, admin } from '../api.js';
import { dateAndTime, integer } from '../format.js';
import { badge, errorBox, field, h, loading, section, table } from '../ui.js';

const STORE = 'observatoire.adminKey';
const TABS = [
  ['flux', 'Flux'],
  ['consommateurs', 'Consommateurs'],
  ['lettres-mortes', 'Lettres mortes'],
];
const ALERTS = { ok: ['À jour', 'ok'], stale: ['En retard', 'warn'], failing: ['En échec', 'ko'] };
const RESULTS = { changed: ['Nouveau contenu', 'ok', 'intégré'], unchanged: ['Inchangé', '', 'rien de nouveau'], failed: ['Échec', 'ko', ''] };
const KINDS = { url: 'URL HTTP', 'platform-export': 'Export de plateforme', upload: 'Dépôt de fichier' };
const LOCAL = { running: 'en cours', restarting: 'redémarrage', stopped: 'arrêté' };
const INVALID_KEY = 'Clé invalide : elle a été refusée par le serveur. Vérifiez-la et saisissez-la de nouveau.';

const getKey = () => {
  try {
    return sessionStorage.getItem(STORE) || '';
  } catch {
    return '';
  }
};
const setKey = (k) => sessionStorage.setItem(STORE, k);
const clearKey = () => sessionStorage.removeItem(STORE);

const alertBadge = (a) => (ALERTS[a] ? badge(ALERTS[a][0], ALERTS[a][1]) : badge(a || '—'));
function resultBadge(r) {
  if (!r) return 'jamais collecté';
  const [code, kind, label] = RESULTS[r] || [r, '', ''];
  return h('span', null, badge(code, kind), label ? ` ${label}` : '');
}
const notice = (kind, ...children) => h('div', { class: `notice notice-${kind}`, role: kind === 'error' ? 'alert' : 'status' }, ...children);

export async function render(main, ctx) {
  ctx.setTitle('Administration');
  main.append(h('h1', null, 'Administration'));
  const key = getKey();
  if (!key) return renderLogin(main, ctx);

  // Any 401 while working: the key is dropped and the login form comes back with the message.
  let expired = false;
  const onUnauthorized = () => {
    if (expired || !ctx.isCurrent()) return;
    expired = true;
    clearKey();
    main.replaceChildren(h('h1', { tabindex: '-1' }, 'Administration'));
    renderLogin(main, ctx, INVALID_KEY);
    main.querySelector('input')?.focus();
  };
  const run = { key, ctx, onUnauthorized };

  const tab = TABS.some(([t]) => t === ctx.query.get('onglet')) ? ctx.query.get('onglet') : 'flux';
  main.append(
    h('p', { class: 'lead' }, 'Suivi des flux DECP des acheteurs, des consommateurs d’événements et des lettres mortes. Réservé à l’équipe informatique régionale.'),
    h(
      'div',
      { class: 'btn-row admin-session' },
      h('span', null, 'Clé d’administration enregistrée pour cet onglet du navigateur.'),
      h('button', { type: 'button', class: 'btn', onclick: () => (clearKey(), ctx.navigate('/admin')) }, 'Se déconnecter'),
    ),
    h(
      'nav',
      { class: 'tabs', 'aria-label': 'Sections de l’administration' },
      h('ul', null, TABS.map(([t, label]) => h('li', null, h('a', { href: `/admin?onglet=${t}`, 'aria-current': t === tab ? 'page' : null }, label)))),
    ),
  );
  if (tab === 'flux') renderFeeds(main, run);
  else if (tab === 'consommateurs') renderConsumers(main, run);
  else renderDeadLetters(main, run);
}

/** Load into a slot; a 401 hands over to onUnauthorized, other failures show the usual error box. */
async function load(slot, run, loader, draw, what) {
  slot.replaceChildren(loading());
  slot.setAttribute('aria-busy', 'true');
  try {
    const data = await loader();
    slot.replaceChildren(...[].concat(await draw(data)).filter(Boolean));
  } catch (err) {
    if (err?.name === 'AbortError') return;
    if (err instanceof ApiError && err.status === 401) return run.onUnauthorized();
    slot.replaceChildren(errorBox(err, what));
  } finally {
    slot.removeAttribute('aria-busy');
  }
}

/** Run an action (POST): returns the answer, or shows the error in `out` and returns undefined. */
async function act(out, run, action, what) {
  try {
    return await action();
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) run.onUnauthorized();
    else out.replaceChildren(actionError(err, what));
    return undefined;
  }
}

function actionError(err, what) {
  const problems = err instanceof ApiError ? err.details?.problems : null;
  if (Array.isArray(problems) && problems.length) {
    return notice('error', h('strong', null, `${what} refusé. `), err.message, h('ul', null, problems.map((p) => h('li', null, `${p.field} : ${p.message}`))));
  }
  const message = err instanceof ApiError ? err.message : 'Une erreur inattendue est survenue.';
  return notice('error', h('strong', null, `${what} impossible. `), message, err?.correlationId ? h('span', { class: 'corr' }, ` (référence ${err.correlationId})`) : null);
}

// ---------------------------------------------------------------------------------------------------------
function renderLogin(main, ctx, message) {
  const input = h('input', { type: 'password', name: 'cle', required: true, autocomplete: 'off', spellcheck: 'false', class: 'input-wide' });
  const out = h('div', { 'aria-live': 'polite' }, message ? notice('error', h('strong', null, 'Clé invalide. '), message.replace(/^Clé invalide : /, '')) : null);
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, 'Se connecter');
  const form = h(
    'form',
    { class: 'filters admin-login', 'aria-label': 'Connexion à l’administration', novalidate: true },
    field('Clé d’API d’administration', input, 'La clé est gardée dans cet onglet du navigateur seulement (sessionStorage) et envoyée dans l’en-tête Authorization. Elle n’apparaît jamais dans l’adresse.'),
    h('div', { class: 'field field-submit' }, submit),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const key = input.value.trim();
    if (!key) {
      out.replaceChildren(notice('error', 'Saisissez la clé d’administration.'));
      input.focus();
      return;
    }
    submit.disabled = true;
    out.replaceChildren(loading('Vérification de la clé…'));
    try {
      await admin.consumers(key);
      setKey(key);
      ctx.navigate(location.pathname + location.search, { replace: true });
    } catch (err) {
      out.replaceChildren(err instanceof ApiError && err.status === 401 ? notice('error', h('strong', null, 'Clé invalide. '), 'Le serveur a refusé cette clé.') : errorBox(err, 'l’administration'));
      input.select();
      input.focus();
    } finally {
      submit.disabled = false;
    }
  });
  main.append(
    h('p', { class: 'lead' }, 'Espace réservé à l’équipe informatique régionale : saisissez la clé d’API d’administration (OBSERVATOIRE_ADMIN_TOKENS).'),
    form,
    out,
  );
}

// ---------------------------------------------------------------------------------------------------------
// Flux
function renderFeeds(main, run) {
  const { ctx, key } = run;
  const alert = ALERTS[ctx.query.get('alerte')] ? ctx.query.get('alerte') : '';
  const status = h('div');
  const pullOut = h('div', { 'aria-live': 'polite' });

  const select = h('select', { name: 'alerte' }, h('option', { value: '' }, 'Tous les états'), Object.entries(ALERTS).map(([v, [label]]) => h('option', { value: v }, label)));
  select.value = alert;
  const filter = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filtrer les flux' }, field('État d’alerte', select), h('div', { class: 'field field-submit' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Filtrer')));
  const go = () => ctx.navigate(`/admin?onglet=flux${select.value ? `&alerte=${encodeURIComponent(select.value)}` : ''}`, { keepFocus: true });
  filter.addEventListener('submit', (e) => (e.preventDefault(), go()));
  select.addEventListener('change', go);

  const refresh = () =>
    load(
      status,
      run,
      () => admin.feeds(key, { alert }, ctx),
      (r) => {
        const rows = (r.items || []).flatMap((b) => b.feeds.map((f) => ({ b, f })));
        return table(
          'État des flux par acheteur',
          [
            { label: 'Acheteur', value: ({ b }) => h('span', null, b.nom, h('br'), h('small', null, `SIRET ${b.siret}`)), rowHeader: true },
            { label: 'Flux', value: ({ f }) => h('span', null, `${KINDS[f.kind] || f.kind}${f.enabled ? '' : ' (désactivé)'}`, f.url ? [h('br'), h('small', { class: 'url' }, f.url)] : null, h('br'), h('small', null, `toutes les ${integer(f.intervalMinutes)} min`)) },
            {
              label: 'Dernière collecte',
              value: ({ f }) =>
                h(
                  'span',
                  null,
                  dateAndTime(f.lastPullAt),
                  f.nextPullAt ? [h('br'), h('small', null, `prochaine : ${dateAndTime(f.nextPullAt)}`)] : null,
                  f.kind === 'upload' ? [h('br'), h('small', null, 'dernier dépôt (attendu à chaque intervalle)')] : null,
                ),
            },
            { label: 'Résultat', value: ({ f }) => h('span', { class: 'feed-result' }, resultBadge(f.lastResult), f.lastError ? [h('br'), h('small', { class: 'error-text' }, f.lastError)] : null) },
            { label: 'Enregistrements', num: true, value: ({ f }) => (f.last ? h('span', null, integer(f.last.records), h('br'), h('small', null, `${integer(f.last.accepted)} acceptés, ${integer(f.last.flagged)} signalés, ${integer(f.last.quarantined)} en quarantaine`)) : '—') },
            { label: 'Alerte', value: ({ f }) => h('span', null, alertBadge(f.alert), f.consecutiveFailures ? [h('br'), h('small', null, `${integer(f.consecutiveFailures)} échec(s) de suite`)] : null) },
            { label: 'Action', value: ({ b, f }) => (f.kind === 'upload' ? uploadHint(f) : h('div', { class: 'btn-row feed-actions' }, pullButton(run, b, f, pullOut, refresh), backfillButton(run, b, f, pullOut, refresh))) },
          ],
          rows,
          { empty: alert ? 'Aucun flux dans cet état.' : 'Aucun flux enregistré.' },
        );
      },
      'l’état des flux',
    );

  main.append(section('Flux des acheteurs', filter, pullOut, status), registerSection(run, refresh), importSection(run, refresh));
  refresh();
}

/** The outcome of a pull or a backfill (`FeedPullOutcome`), as a notice. */
function pullNotice(title, r, attrs = {}) {
  const s = r.summary || {};
  const el = notice(
    r.result === 'failed' ? 'error' : 'info',
    h('strong', null, `${title} : `),
    resultBadge(r.result),
    r.httpStatus ? ` (HTTP ${r.httpStatus})` : '',
    r.summary ? ` — ${integer(s.records)} enregistrement(s) : ${integer(s.accepted)} accepté(s), ${integer(s.flagged)} signalé(s), ${integer(s.quarantined)} en quarantaine ; ${integer(s.published)} marché(s) publié(s) (nouveaux ou modifiés).` : '',
    r.error ? ` ${r.error}` : '',
  );
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

function pullButton(run, b, f, out, refresh) {
  const btn = h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `Relancer le flux de ${b.nom}` }, 'Relancer');
  btn.addEventListener('click', async () => {
    btn.disabled = true;
    out.replaceChildren(loading(`Collecte du flux de ${b.nom}…`));
    const r = await act(out, run, () => admin.pullFeed(run.key, f.id), 'Collecte');
    btn.disabled = false;
    if (!r) return;
    out.replaceChildren(pullNotice(`Collecte de ${b.nom}`, r));
    await refresh();
  });
  return btn;
}

/**
 * "Rattraper l’historique": the whole file of the feed is downloaded again, ignoring ETag, Last-Modified and
 * the content hash, and ingested again (the ledger only publishes what is new or changed). The API takes no
 * date range: a DECP feed holds everything its buyer published. Asks for a confirmation in the page first
 * (no modal dialog); the result notice takes the focus once the table is refreshed.
 */
function backfillButton(run, b, f, out, refresh) {
  const btn = h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `Rattraper l’historique du flux de ${b.nom}` }, 'Rattraper l’historique');
  btn.addEventListener('click', () => {
    const yes = h('button', { type: 'button', class: 'btn btn-primary' }, 'Confirmer le rattrapage');
    const cancel = h('button', { type: 'button', class: 'btn' }, 'Annuler');
    cancel.addEventListener('click', () => {
      out.replaceChildren();
      btn.focus();
    });
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      cancel.disabled = true;
      out.replaceChildren(loading(`Rattrapage de l’historique du flux de ${b.nom}…`));
      const r = await act(out, run, () => admin.backfillFeed(run.key, f.id), 'Rattrapage');
      if (!r) {
        if (btn.isConnected) btn.focus(); // the error stays above the table (role="alert")
        return;
      }
      const result = pullNotice(`Rattrapage de l’historique de ${b.nom}`, r, { tabindex: '-1' });
      out.replaceChildren(result);
      await refresh();
      result.focus();
    });
    out.replaceChildren(
      h(
        'div',
        { class: 'btn-row' },
        h(
          'p',
          { role: 'alert', class: 'confirm' },
          `Rattraper l’historique du flux de ${b.nom} ? Le fichier complet sera téléchargé de nouveau, sans tenir compte des en-têtes ETag / Last-Modified ni de l’empreinte du dernier contenu, puis réintégré : seuls les marchés nouveaux ou modifiés seront publiés.`,
        ),
        yes,
        cancel,
      ),
    );
    yes.focus();
  });
  return btn;
}

/** Upload feeds are fed by the buyer: how to send a file to one. */
function uploadHint(f) {
  return h('small', null, 'Alimenté par dépôt : ', h('code', null, `POST /api/ingest/uploads?feed=${f.id}&filename=…`));
}

function registerSection(run, refresh) {
  const siret = h('input', { name: 'siret', required: true, inputmode: 'numeric', pattern: '[0-9 ]{14,17}', autocomplete: 'off' });
  const nom = h('input', { name: 'nom', required: true, autocomplete: 'off', class: 'input-wide' });
  const url = h('input', { name: 'url', type: 'url', required: true, autocomplete: 'off', class: 'input-wide' });
  const interval = h('input', { name: 'intervalle', type: 'number', min: '1', step: '1', value: '1440' });
  const out = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'filters', 'aria-label': 'Enregistrer un flux', novalidate: true },
    field('SIRET de l’acheteur', siret, '14 chiffres.'),
    field('Nom de l’acheteur', nom),
    field('URL du fichier DECP', url, 'JSON, XML ou CSV, en http(s).'),
    field('Intervalle (minutes)', interval, '1 440 = une fois par jour.'),
    h('div', { class: 'field field-submit' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Enregistrer le flux')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = { siret: siret.value.replace(/\s/g, ''), nom: nom.value.trim(), url: url.value.trim(), kind: 'url' };
    if (interval.value.trim()) body.intervalMinutes = Number(interval.value);
    out.replaceChildren(loading('Enregistrement…'));
    const r = await act(out, run, () => admin.registerFeed(run.key, body), 'Enregistrement');
    if (!r) return;
    out.replaceChildren(notice('info', h('strong', null, r.created ? 'Flux créé. ' : 'Flux mis à jour. '), `Identifiant ${r.id}. Il apparaît dans le tableau des flux ; « Relancer » le collecte tout de suite.`));
    form.reset();
    await refresh();
  });
  return section('Enregistrer un flux', form, out);
}

function importSection(run, refresh) {
  const text = h('textarea', { name: 'csv', rows: '6', class: 'input-wide code', spellcheck: 'false', placeholder: 'siret;nom;url;intervalle_minutes\n24350013900189;Rennes Métropole;https://data.example/rennes/decp.json;60' });
  const file = h('input', { type: 'file', accept: '.csv,text/csv,text/plain' });
  file.addEventListener('change', async () => {
    const f = file.files?.[0];
    if (f) text.value = await f.text();
  });
  const out = h('div', { 'aria-live': 'polite' });
  const form = h(
    'form',
    { class: 'filters form-stack', 'aria-label': 'Importer des flux (CSV)' },
    field('Fichier CSV', file, 'Son contenu est recopié dans la zone de texte ci-dessous.'),
    field('Contenu CSV', text, 'Une ligne par flux : siret;nom;url;intervalle_minutes (séparateur « ; », en-tête facultatif, intervalle vide = 1 440 minutes).'),
    h('div', { class: 'field field-submit' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Importer')),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!text.value.trim()) {
      out.replaceChildren(notice('error', 'Collez le contenu CSV ou choisissez un fichier.'));
      return;
    }
    out.replaceChildren(loading('Import…'));
    const r = await act(out, run, () => admin.importFeeds(run.key, text.value), 'Import');
    if (!r) return;
    out.replaceChildren(
      notice(r.invalid ? 'unavailable' : 'info', `${integer(r.created)} flux créé(s), ${integer(r.updated)} mis à jour, ${integer(r.invalid)} ligne(s) invalide(s).`),
      table(
        'Rapport d’import, ligne par ligne',
        [
          { label: 'Ligne', value: (l) => integer(l.line), rowHeader: true, num: true },
          { label: 'Résultat', value: (l) => (l.status === 'invalid' ? badge('invalide', 'ko') : badge(l.status === 'created' ? 'créé' : 'mis à jour', 'ok')) },
          { label: 'Détail', value: (l) => (l.status === 'invalid' ? h('ul', null, (l.problems || []).map((p) => h('li', null, `${p.field} : ${p.message}`))) : `SIRET ${l.siret} — flux ${l.feedId}`) },
        ],
        r.lines,
        { empty: 'Aucune ligne lue.' },
      ),
    );
    await refresh();
  });
  return section('Importer des flux (CSV)', form, out);
}

// ---------------------------------------------------------------------------------------------------------
// Consommateurs
function renderConsumers(main, run) {
  const slot = h('div');
  main.append(section('Groupes de consommateurs', h('p', null, 'Pour chaque groupe : son état dans ce processus, les partitions en pause parce qu’une dépendance (base de données, moteur de recherche) est indisponible, et par sujet le retard (messages pas encore traités), les lettres mortes et le curseur de rejeu.'), slot));
  load(
    slot,
    run,
    () => admin.consumers(run.key, run.ctx),
    (r) => [
      pausedConsumers(r.groups || []),
      table(
        'Consommateurs : retard et lettres mortes par groupe et sujet',
        [
          { label: 'Groupe', value: (x) => x.group, rowHeader: true },
          { label: 'État local', value: (x) => (x.paused ? badge('en pause', 'warn') : x.local ? badge(LOCAL[x.local] || x.local, x.local === 'running' ? 'ok' : 'warn') : 'hors de ce processus') },
          { label: 'Sujet', value: (x) => x.topic },
          { label: 'Retard', num: true, value: (x) => integer(x.lag) },
          { label: 'Lettres mortes', num: true, value: (x) => (x.deadLetters ? h('a', { href: `/admin?onglet=lettres-mortes&sujet=${encodeURIComponent(x.topic)}&groupe=${encodeURIComponent(x.group)}` }, integer(x.deadLetters)) : integer(0)) },
          { label: 'Curseur de rejeu', num: true, value: (x) => x.redriveCursor },
        ],
        (r.groups || []).flatMap((g) =>
          (g.topics.length ? g.topics : [{ topic: '—', lag: null, deadLetters: 0, redriveCursor: '—' }]).map((t) => ({ group: g.group, local: g.local, paused: (g.paused || []).some((p) => p.topic === t.topic), ...t })),
        ),
        { empty: 'Aucun groupe de consommateurs connu.' },
      ),
    ],
    'l’état des consommateurs',
  );
}

/** Partitions held paused while a dependency is down: they resume by themselves, nothing goes to the dead letters. */
function pausedConsumers(groups) {
  const paused = groups.flatMap((g) => g.paused || []);
  if (paused.length === 0) return h('p', { class: 'notice', 'data-paused': '0' }, 'Aucun consommateur en pause : toutes les dépendances répondent.');
  return h(
    'div',
    { 'data-paused': String(paused.length) },
    h('div', { class: 'notice notice-unavailable', role: 'status' }, h('strong', null, `${integer(paused.length)} partition(s) en pause. `), 'Une dépendance est indisponible : les événements sont retentés jusqu’à son retour, sans lettre morte, et la consommation reprend d’elle-même.'),
    table(
      'Consommateurs en pause',
      [
        { label: 'Groupe', value: (p) => p.group, rowHeader: true },
        { label: 'Sujet', value: (p) => `${p.topic} [${p.partition}]` },
        { label: 'Position', num: true, value: (p) => p.offset },
        { label: 'Dépendance', value: (p) => DEPENDENCY[p.dependency] || p.dependency },
        { label: 'Depuis', value: (p) => `${dateAndTime(p.since)} (${integer(Math.round(p.pausedSeconds))} s)` },
        { label: 'Tentatives', num: true, value: (p) => integer(p.retries) },
        { label: 'Dernière erreur', value: (p) => h('span', { class: 'reason' }, p.reason) },
      ],
      paused,
      { empty: '' },
    ),
  );
}

const DEPENDENCY = { postgresql: 'PostgreSQL', sqlite: 'fichier SQLite', search: 'moteur de recherche', kafka: 'Kafka', network: 'réseau (connexion refusée ou coupée)', unknown: 'dépendance' };

// ---------------------------------------------------------------------------------------------------------
// Lettres mortes
function renderDeadLetters(main, run) {
  const { ctx, key } = run;
  const topic = ctx.query.get('sujet') || '';
  const group = ctx.query.get('groupe') || '';
  const picker = h('div');
  const list = h('div');
  const out = h('div', { 'aria-live': 'polite' });
  main.append(section('Lettres mortes', h('p', null, 'Choisissez un sujet et un groupe pour lire ses lettres mortes (messages que le groupe n’a pas pu traiter) et les rejouer vers leur sujet d’origine.'), picker, out, list));

  load(
    picker,
    run,
    () => admin.consumers(key, ctx),
    (r) => {
      const pairs = (r.groups || []).flatMap((g) => g.topics.map((t) => ({ group: g.group, topic: t.topic, deadLetters: t.deadLetters })));
      const sel = h(
        'select',
        { name: 'file' },
        h('option', { value: '' }, 'Choisir…'),
        pairs.map((p) => h('option', { value: `${p.topic}\n${p.group}` }, `${p.topic} — ${p.group} (${integer(p.deadLetters)} lettre(s) morte(s))`)),
      );
      const current = `${topic}\n${group}`;
      if (topic && group && !pairs.some((p) => `${p.topic}\n${p.group}` === current)) sel.append(h('option', { value: current }, `${topic} — ${group}`));
      sel.value = topic && group ? current : '';
      const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Choisir la file de lettres mortes' }, field('Sujet — groupe', sel), h('div', { class: 'field field-submit' }, h('button', { type: 'submit', class: 'btn btn-primary' }, 'Afficher')));
      const go = () => {
        const [t, g] = sel.value.split('\n');
        ctx.navigate(t && g ? `/admin?onglet=lettres-mortes&sujet=${encodeURIComponent(t)}&groupe=${encodeURIComponent(g)}` : '/admin?onglet=lettres-mortes', { keepFocus: true });
      };
      form.addEventListener('submit', (e) => (e.preventDefault(), go()));
      sel.addEventListener('change', go);
      return form;
    },
    'la liste des groupes',
  );

  if (!topic || !group) return;
  const refresh = () =>
    load(
      list,
      run,
      () => admin.deadLetters(key, topic, group, ctx),
      (r) => {
        const pending = r.deadLetters.filter((d) => !d.redriven).length;
        const redrive = pending ? redriveControls(run, topic, group, pending, out, refresh) : h('p', null, r.count ? 'Toutes ces lettres mortes ont déjà été rejouées.' : '');
        return [
          h('h3', null, `${topic} — ${group}`),
          h('p', null, `${integer(r.count)} lettre(s) morte(s) affichée(s) (100 au plus), dont ${integer(pending)} pas encore rejouée(s).`),
          redrive,
          table(
            `Lettres mortes de ${topic} pour ${group}`,
            [
              { label: 'Position', value: (d) => d.offset, rowHeader: true, num: true },
              { label: 'Événement', value: (d) => h('span', null, d.eventType || 'type inconnu', d.eventId ? [h('br'), h('small', null, d.eventId)] : null) },
              { label: 'Motif', value: (d) => h('span', { class: 'reason' }, d.reason, d.errorCode ? [h('br'), h('small', null, `code ${d.errorCode}`)] : null) },
              { label: 'Tentatives', num: true, value: (d) => integer(d.attempts) },
              { label: 'Origine', value: (d) => `${d.originalTopic} @ ${d.originalOffset}` },
              { label: 'Rejouée', value: (d) => (d.redriven ? badge('oui', 'ok') : badge('non', 'warn')) },
            ],
            r.deadLetters,
            { empty: 'Aucune lettre morte pour ce sujet et ce groupe.' },
          ),
        ];
      },
      'les lettres mortes',
    );
  refresh();
}

/** "Rejouer" asks for a confirmation in the page (no modal dialog) before the re-drive. */
function redriveControls(run, topic, group, pending, out, refresh) {
  const row = h('div', { class: 'btn-row' });
  const ask = h('button', { type: 'button', class: 'btn btn-primary' }, 'Rejouer');
  const initial = () => row.replaceChildren(ask);
  ask.addEventListener('click', () => {
    const yes = h('button', { type: 'button', class: 'btn btn-primary' }, 'Confirmer le rejeu');
    const cancel = h('button', { type: 'button', class: 'btn' }, 'Annuler');
    cancel.addEventListener('click', () => (initial(), ask.focus()));
    yes.addEventListener('click', async () => {
      yes.disabled = true;
      const r = await act(out, run, () => admin.redrive(run.key, topic, group), 'Rejeu');
      if (!r) return initial();
      out.replaceChildren(notice('info', h('strong', null, 'Rejeu effectué. '), `${integer(r.redriven)} lettre(s) morte(s) republiée(s) vers ${topic}.`));
      await refresh();
    });
    row.replaceChildren(
      h('p', { role: 'alert', class: 'confirm' }, `Rejouer ${integer(pending)} lettre(s) morte(s) vers ${topic} ? Tous les groupes qui consomment ce sujet les recevront de nouveau (traitement idempotent).`),
      yes,
      cancel,
    );
    yes.focus();
  });
  initial();
  return row;
}
