import { analyzeFrench } from './french-analyzer';

export const HIGHLIGHT_PRE = '<mark>';
export const HIGHLIGHT_POST = '</mark>';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

/**
 * Wrap every word of `text` whose analysed term is one of `terms` in <mark>…</mark>, escaping the
 * rest as HTML (what Elasticsearch's highlighter does with encoder "html"). Null when nothing matched.
 */
export function highlightTerms(text: string | null, terms: ReadonlySet<string>): string | null {
  if (!text || terms.size === 0) return null;
  let out = '';
  let last = 0;
  let marked = false;
  for (const token of analyzeFrench(text)) {
    if (!terms.has(token.term)) continue;
    out += escapeHtml(text.slice(last, token.start)) + HIGHLIGHT_PRE + escapeHtml(text.slice(token.start, token.end)) + HIGHLIGHT_POST;
    last = token.end;
    marked = true;
  }
  return marked ? out + escapeHtml(text.slice(last)) : null;
}
