import { h } from '../ui.js';

export async function render(main, ctx) {
  ctx.setTitle('Page introuvable');
  main.append(h('h1', null, 'Page introuvable'), h('p', null, 'Cette adresse ne correspond à aucune page de l’observatoire.'), h('p', null, h('a', { href: '/' }, 'Retour à l’accueil')));
}
