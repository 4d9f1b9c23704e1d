import { analyzeFrench, foldAscii, frenchTerms, normaliseName } from './french-analyzer';
import { highlightTerms } from './highlight';

describe('French analysis chain', () => {
  it.each([
    ['voirie', 'voiries'],
    ['école', 'ecoles'],
    ['Lycées', 'lycee'],
    ['réhabilitation', 'REHABILITATION'],
    ["l'œuvre", 'oeuvres'],
    ['restauration scolaire', 'restaurations scolaires'],
  ])('gives "%s" and "%s" the same terms', (a, b) => {
    expect(frenchTerms(a)).toEqual(frenchTerms(b));
  });

  it('removes elisions and stop words but keeps domain words', () => {
    expect(frenchTerms("Travaux de voirie de l'école et d'entretien du lot 2")).toEqual(['traval', 'voir', 'ecol', 'entretien', 'lot', '2']);
    expect(frenchTerms('jusqu’au marché')).toEqual(['march']);
  });

  it('keeps the offsets of the original words for highlighting', () => {
    const text = "Réfection de l'école";
    const [first, second] = analyzeFrench(text);
    expect(text.slice(first.start, first.end)).toBe('Réfection');
    expect(text.slice(second.start, second.end)).toBe('école');
  });

  it('folds letters NFD does not decompose', () => {
    expect(foldAscii('Œuvre Æther Straße Łódź')).toBe('OEuvre AEther Strasse Lodz');
  });

  it('normalises names for prefix suggestions', () => {
    expect(normaliseName("BÂTIMENT-OUEST l'Armor")).toBe('batiment ouest l armor');
  });

  it('highlights matched words and escapes the rest', () => {
    expect(highlightTerms('Voiries <b> & trottoirs', new Set(frenchTerms('voirie')))).toBe('<mark>Voiries</mark> &lt;b&gt; &amp; trottoirs');
    expect(highlightTerms('Nettoyage', new Set(frenchTerms('voirie')))).toBeNull();
  });
});
