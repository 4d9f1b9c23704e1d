import { newStemmer } from 'snowball-stemmers';

/**
 * The French analysis chain, written once and used twice:
 *  - the embedded engine runs `analyzeFrench` in TypeScript (index and query time);
 *  - the Elasticsearch/OpenSearch mapping declares the same chain with the same word lists
 *    (standard tokenizer → elision → lowercase → asciifolding → stop → snowball French).
 * Bump ANALYZER_VERSION whenever the output of this chain changes: the embedded engine
 * re-analyses its stored documents when it finds another version.
 */
export const ANALYZER_VERSION = 1;

/** Lucene's French elision articles (the `french` analyzer's default list). */
export const FRENCH_ELISION_ARTICLES = ['l', 'm', 't', 'qu', 'n', 's', 'j', 'd', 'c', 'jusqu', 'quoiqu', 'lorsqu', 'puisqu'] as const;

/**
 * Stop words, in folded (lowercase, unaccented) spelling because the stop filter runs after
 * ASCII folding. Kept short on purpose: grammatical words only, never domain words
 * ("lot", "marche", "travaux" must stay searchable).
 */
export const FRENCH_STOPWORDS = [
  'a', 'au', 'aux', 'avec', 'ce', 'ces', 'dans', 'de', 'des', 'du', 'elle', 'en', 'et', 'eux', 'il', 'ils', 'je',
  'la', 'le', 'les', 'leur', 'leurs', 'lui', 'ma', 'mais', 'me', 'meme', 'mes', 'moi', 'mon', 'ne', 'nos', 'notre',
  'nous', 'on', 'ou', 'par', 'pas', 'pour', 'qu', 'que', 'qui', 'sa', 'se', 'ses', 'son', 'sur', 'ta', 'te', 'tes',
  'toi', 'ton', 'tu', 'un', 'une', 'vos', 'votre', 'vous', 'c', 'd', 'j', 'l', 'm', 'n', 's', 't', 'y',
  'cette', 'cet', 'selon', 'sans', 'sous', 'entre', 'vers', 'chez',
] as const;

const ARTICLES = new Set<string>(FRENCH_ELISION_ARTICLES);
const STOPWORDS = new Set<string>(FRENCH_STOPWORDS);
const stemmer = newStemmer('french');
/** Stems of words already seen: the vocabulary of contract texts is small, stemming is the hot spot when indexing. */
const stemCache = new Map<string, string>();
const STEM_CACHE_MAX = 100_000;

function stem(word: string): string {
  let s = stemCache.get(word);
  if (s === undefined) {
    s = stemmer.stem(word);
    if (stemCache.size >= STEM_CACHE_MAX) stemCache.clear();
    stemCache.set(word, s);
  }
  return s;
}

/** Letters that NFD does not decompose, folded as Lucene's ASCIIFoldingFilter does. */
const LIGATURES: Record<string, string> = {
  œ: 'oe', Œ: 'OE', æ: 'ae', Æ: 'AE', ß: 'ss', ø: 'o', Ø: 'O', đ: 'd', Đ: 'D', ł: 'l', Ł: 'L', ı: 'i', ŀ: 'l', Ŀ: 'L',
};

export function foldAscii(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[œŒæÆßøØđĐłŁıŀĿ]/g, (c) => LIGATURES[c] ?? c);
}

export interface AnalyzedToken {
  /** The indexed term (stem). */
  term: string;
  /** UTF-16 offsets of the original word in the input, for highlighting. */
  start: number;
  end: number;
}

// A word: letters/digits, possibly joined by apostrophes (l'école, aujourd'hui), as UAX#29 keeps them.
const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}\p{N}]+)*/gu;

/** Tokenize, remove elisions, lowercase, fold to ASCII, drop stop words, stem (Snowball French). */
export function analyzeFrench(text: string | null | undefined): AnalyzedToken[] {
  if (!text) return [];
  const out: AnalyzedToken[] = [];
  for (const m of text.matchAll(WORD)) {
    let word = m[0];
    let start = m.index ?? 0;
    const apostrophe = word.search(/['’]/);
    if (apostrophe > 0 && ARTICLES.has(word.slice(0, apostrophe).toLowerCase())) {
      start += apostrophe + 1;
      word = word.slice(apostrophe + 1);
    }
    // What remains of an apostrophe (aujourd'hui) splits the word, as the FTS tokenizer would.
    let offset = start;
    for (const part of word.split(/['’]/)) {
      const folded = foldAscii(part.toLowerCase());
      if (folded && !STOPWORDS.has(folded)) {
        out.push({ term: stem(folded), start: offset, end: offset + part.length });
      }
      offset += part.length + 1;
    }
  }
  return out;
}

/** The distinct terms of a text, in order of first appearance. */
export function frenchTerms(text: string | null | undefined): string[] {
  return [...new Set(analyzeFrench(text).map((t) => t.term))];
}

/** Lowercase + ASCII folding without stemming: for prefix suggestions over names. */
export function normaliseName(text: string | null | undefined): string {
  return foldAscii((text ?? '').toLowerCase()).replace(/[^a-z0-9]+/g, ' ').trim();
}
