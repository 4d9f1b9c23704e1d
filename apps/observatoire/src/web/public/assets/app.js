// The site's router: history.pushState, one module per page, filters always in the URL query.
import { h } from './ui.js';

const ROUTES = [
  { path: /^\/$/, page: 'home', nav: '/' },
  { path: /^\/recherche\/?$/, page: 'search', nav: '/recherche' },
  { path: /^\/contrats\/(.+)$/, page: 'contract', keys: ['uid'] },
  { path: /^\/acheteurs\/([^/]+)\/?$/, page: 'buyer', keys: ['siret'] },
  { path: /^\/titulaires\/([^/]+)\/?$/, page: 'supplier', keys: ['id'] },
  { path: /^\/secteur\/?$/, page: 'sector', nav: '/secteur' },
  { path: /^\/charte\/?$/, page: 'charter', nav: '/charte' },
  { path: /^\/prix\/?$/, page: 'prices', nav: '/prix' },
  { path: /^\/preparer-achat\/?$/, page: 'prepare', nav: '/preparer-achat' },
  { path: /^\/qualite\/?$/, page: 'quality', nav: '/qualite' },
  { path: /^\/admin\/?$/, page: 'admin' }, // not in the main nav: linked from the footer
  { path: /^\/widget\/acheteur\/([^/]+)\/?$/, page: 'widget', keys: ['siret'], bare: true },
];

const NAV = [
  ['/', 'Accueil'],
  ['/recherche', 'Rechercher'],
  ['/secteur', 'Marchés de mon secteur'],
  ['/charte', 'Indicateurs de la charte'],
  ['/prix', 'Prix pratiqués'],
  ['/preparer-achat', 'Préparer un achat'],
  ['/qualite', 'Qualité des données'],
];

const SITE = 'Observatoire de la commande publique bretonne';
let controller = null;
let renderId = 0;

function match(pathname) {
  for (const r of ROUTES) {
    const m = r.path.exec(pathname);
    if (m) {
      const params = {};
      (r.keys || []).forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1])));
      return { route: r, params };
    }
  }
  return { route: { page: 'notfound' }, params: {} };
}

function layout(bare) {
  document.body.classList.toggle('bare', bare);
  if (bare) return;
  const header = document.querySelector('header.site');
  if (header.childElementCount) return;
  header.append(
    h(
      'div',
      { class: 'wrap header-inner' },
      h('a', { href: '/', class: 'brand' }, h('span', { class: 'brand-mark', 'aria-hidden': 'true' }, 'OCPB'), h('span', null, SITE)),
      h('nav', { 'aria-label': 'Navigation principale' }, h('ul', null, NAV.map(([href, label]) => h('li', null, h('a', { href, dataset: { nav: href } }, label))))),
    ),
  );
  document.querySelector('footer.site').append(
    h(
      'div',
      { class: 'wrap' },
      h('p', null, 'Données essentielles de la commande publique (DECP), Licence Ouverte / Etalab 2.0. Montants en euros hors taxes, tels que publiés par les acheteurs.'),
      h('p', null, h('a', { href: '/qualite' }, 'Qualité et provenance des données'), ' · ', h('a', { href: '/api/openapi.json' }, 'API ouverte'), ' · ', h('a', { href: '/admin' }, 'Administration')),
    ),
  );
}

function markNav(route) {
  for (const a of document.querySelectorAll('nav a[data-nav]')) {
    if (a.dataset.nav === route.nav) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

export async function render({ focus = true } = {}) {
  const { route, params } = match(location.pathname);
  controller?.abort();
  controller = new AbortController();
  const id = ++renderId;
  layout(Boolean(route.bare));
  markNav(route);
  const main = document.getElementById('main');
  main.setAttribute('aria-busy', 'true');
  const ctx = {
    params,
    query: new URLSearchParams(location.search),
    signal: controller.signal,
    navigate,
    setTitle: (t) => (document.title = t ? `${t} — ${SITE}` : SITE),
    isCurrent: () => id === renderId,
  };
  try {
    const mod = await import(`./pages/${route.page}.js`);
    if (id !== renderId) return;
    main.replaceChildren();
    await mod.render(main, ctx);
  } catch (err) {
    if (err?.name === 'AbortError') return;
    console.warn(err);
    main.replaceChildren(h('h1', { tabindex: '-1' }, 'Erreur'), h('p', { class: 'notice notice-error', role: 'alert' }, 'La page n’a pas pu s’afficher. Rechargez-la ou revenez à l’accueil.'));
  } finally {
    if (id === renderId) {
      main.removeAttribute('aria-busy');
      document.body.dataset.page = route.page;
      document.body.dataset.ready = String(id);
    }
  }
  if (focus && id === renderId) {
    const h1 = main.querySelector('h1');
    if (h1) {
      h1.setAttribute('tabindex', '-1');
      h1.focus({ preventScroll: true });
    }
    announce(document.title);
  }
}

function announce(text) {
  const live = document.getElementById('live');
  if (live) live.textContent = text;
}

/** Go to a same-origin URL; keepFocus leaves the focus where it is (filter changes). */
export function navigate(url, { replace = false, keepFocus = false } = {}) {
  const target = new URL(url, location.origin);
  if (target.origin !== location.origin) {
    location.href = url;
    return;
  }
  history[replace ? 'replaceState' : 'pushState'](null, '', target.pathname + target.search + target.hash);
  if (!keepFocus) window.scrollTo(0, 0);
  render({ focus: !keepFocus });
}

document.addEventListener('click', (e) => {
  if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  const a = e.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download') || a.dataset.external !== undefined) return;
  const url = new URL(a.href, location.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/api/') || url.pathname.startsWith('/vendor/')) return;
  if (url.pathname === location.pathname && url.search === location.search && url.hash) return;
  e.preventDefault();
  navigate(url.pathname + url.search);
});

window.addEventListener('popstate', () => render());
render({ focus: false });
