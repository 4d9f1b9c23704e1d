import { cpvKey, cpvLabelOf } from './cpv-label';
import { readCpvLabels } from '../infrastructure/reference/cpv-labels.reader';

describe('CPV labels', () => {
  const labels = new Map([
    ['45000000', 'Travaux de construction'],
    ['45233000', 'Travaux de construction, de fondation et de revêtement d’autoroutes, de routes'],
    ['45233140', 'Travaux routiers'],
  ]);

  it.each([
    ['45233140', '45233140'],
    ['45233140-2', '45233140'],
    [' 45233140-2 ', '45233140'],
    ['4523314', null],
    ['45233140-22', null],
    [null, null],
  ])('reads the CPV key of %j as %j', (code, key) => {
    expect(cpvKey(code)).toBe(key);
  });

  it.each([
    ['45233140', 'Travaux routiers'],
    ['45233149', 'Travaux routiers'],
    ['45233990', 'Travaux de construction, de fondation et de revêtement d’autoroutes, de routes'],
    ['45990000', 'Travaux de construction'],
    ['71000000', undefined],
    ['not a code', undefined],
  ])('gives %s the label of itself or of its nearest listed ancestor: %j', (code, label) => {
    expect(cpvLabelOf(labels, code)).toBe(label);
  });

  it('loads the 9,454 French labels of the reference list, labels with a ";" included', () => {
    const all = readCpvLabels();
    expect(all.size).toBe(9454);
    expect(all.get('45233140')).toBe('Travaux routiers');
    expect(all.get('55523100')).toBe('Services de restauration scolaire');
    expect(all.get('15230000')).toBe('Poisson séché ou salé; poisson en saumure; poisson fumé');
  });
});
