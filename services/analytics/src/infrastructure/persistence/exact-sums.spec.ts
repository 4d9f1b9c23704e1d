import { exactSums } from './facts-indicators.query';

describe('exactSums (PostgreSQL aggregate sums in numeric)', () => {
  it('computes every aggregate sum in numeric and reads it back as double precision', () => {
    expect(exactSums("select sum(case when a = 'y' then w * f.amount else 0 end) as x, sum(f.n) as y from t")).toBe(
      "select sum((case when a = 'y' then w * f.amount else 0 end)::numeric)::float8 as x, sum((f.n)::numeric)::float8 as y from t",
    );
  });

  it('leaves window sums alone: their order is given and a cast cannot stand before OVER', () => {
    const sql = 'select sum(w) over (order by v rows between unbounded preceding and current row) as cum, sum(w) over () as total from p';
    expect(exactSums(sql)).toBe(sql);
  });

  it('rewrites sums nested in other expressions and inside other sums', () => {
    expect(exactSums('select max(t.total), sum((100.0 * bs.a / t.total) * sum(z)) from bs')).toBe(
      'select max(t.total), sum(((100.0 * bs.a / t.total) * sum((z)::numeric)::float8)::numeric)::float8 from bs',
    );
  });

});
