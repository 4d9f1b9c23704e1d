import { PassThrough } from 'node:stream';
import { csvCell, writeCsv } from './csv-table.writer';

describe('CSV for French spreadsheets', () => {
  it('writes a BOM, `;` separators, decimal commas, percentages, oui/non and CRLF', async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on('data', (c: Buffer) => chunks.push(c));
    await writeCsv(
      {
        name: 't',
        columns: [
          { header: 'Libellé', kind: 'text' },
          { header: 'Valeur (%)', kind: 'share' },
          { header: 'Montant (€)', kind: 'euro' },
          { header: 'Cible atteinte', kind: 'boolean' },
        ],
        rows: [
          ['Part des PME; en nombre', 0.599, 1234.567, true],
          ['=HYPERLINK("x")', null, 0, false],
        ],
      },
      out,
    );
    out.end();
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text).toBe(
      '\uFEFFLibellé;Valeur (%);Montant (€);Cible atteinte\r\n' +
        '"Part des PME; en nombre";59,9;1234,57;oui\r\n' +
        '"\'=HYPERLINK(""x"")";;0;non\r\n',
    );
  });

  it('keeps weighted counts exact enough and never prints NaN', () => {
    expect(csvCell(1.5, 'decimal')).toBe('1,5');
    expect(csvCell(1 / 3, 'decimal')).toBe('0,333333');
    expect(csvCell(Number.NaN, 'decimal')).toBe('');
  });
});
