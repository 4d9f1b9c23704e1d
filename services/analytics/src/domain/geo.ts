/** Mean Earth radius used for every distance of the observatory (km). */
export const EARTH_RADIUS_KM = 6371;

export interface Coordinates {
  latitude: number | null;
  longitude: number | null;
}

/** Great-circle distance (haversine) in km; null when either point lacks a coordinate. */
export function haversineKm(a: Coordinates, b: Coordinates): number | null {
  if (a.latitude == null || a.longitude == null || b.latitude == null || b.longitude == null) return null;
  if (![a.latitude, a.longitude, b.latitude, b.longitude].every(Number.isFinite)) return null;
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** Brittany = région 53 = départements 22, 29, 35, 56 (DOMAIN.md §4). */
export const BRETAGNE_REGION_CODE = '53';
export const BRETAGNE_DEPARTEMENTS = ['22', '29', '35', '56'] as const;

/**
 * Communes that belong to no EPCI (DGCL 2026): the three Breton islands of DOMAIN.md §4
 * (22016 Île-de-Bréhat, 29083 Île-de-Sein, 29155 Ouessant) and L'Île-d'Yeu (85113).
 * For these, the commune itself is the intercommunal territory; for any other commune a missing
 * EPCI means "not resolved", i.e. unknown.
 */
export const COMMUNES_WITHOUT_EPCI: ReadonlySet<string> = new Set(['22016', '29083', '29155', '85113']);

/** Département code from an INSEE commune code (971..976 overseas, 2A/2B Corsica). */
export function departementOfCommune(communeCode: string | null): string | null {
  if (!communeCode || !/^(\d{5}|2[AB]\d{3})$/.test(communeCode)) return null;
  return communeCode.startsWith('97') ? communeCode.slice(0, 3) : communeCode.slice(0, 2);
}
