/** Errors with stable codes; translated to HTTP only at the edge (infrastructure/http). */
export const CATALOG_ERROR_CODES = [
  'CATALOG_CONTRACT_NOT_FOUND',
  'CATALOG_BUYER_NOT_FOUND',
  'CATALOG_SUPPLIER_NOT_FOUND',
  'CATALOG_INVALID_PARAMETER',
  'CATALOG_INVALID_CURSOR',
] as const;
export type CatalogErrorCode = (typeof CATALOG_ERROR_CODES)[number];

export class CatalogError extends Error {
  constructor(
    readonly code: CatalogErrorCode,
    message: string,
    readonly details: string[] = [],
  ) {
    super(message);
    this.name = 'CatalogError';
  }
}

export class NotFoundError extends CatalogError {}
export class InvalidParameterError extends CatalogError {}
