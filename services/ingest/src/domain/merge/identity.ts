import type { Contract, QualityFlag } from '@observatoire/contracts';

function initialOf(c: Contract) {
  return c.versions.find((v) => v.seq === 0) ?? null;
}

function differs(a: string | null, b: string | null): boolean {
  return a !== null && b !== null && a !== b;
}

/**
 * ID_REUSED rule (docs/identity.md): two states of the same uid describe different contracts when
 * their initial versions (seq 0) have different notification dates AND a different objet or CPV code.
 * Only values present on both sides count. The key stays the uid; the flag feeds the data-quality view.
 */
export function idReuseFlag(a: Contract, b: Contract): QualityFlag | null {
  const ia = initialOf(a);
  const ib = initialOf(b);
  if (!ia || !ib || !differs(ia.dateNotification, ib.dateNotification)) return null;
  const objet = differs(a.objet, b.objet);
  const cpv = differs(a.codeCPV, b.codeCPV);
  if (!objet && !cpv) return null;
  const what = [objet ? `objet "${a.objet}" / "${b.objet}"` : null, cpv ? `CPV ${a.codeCPV} / ${b.codeCPV}` : null].filter(Boolean).join(', ');
  return {
    code: 'ID_REUSED',
    field: 'id',
    message: `id: uid ${a.uid} seen for two contracts (notified ${ia.dateNotification} / ${ib.dateNotification}; ${what})`,
  };
}
