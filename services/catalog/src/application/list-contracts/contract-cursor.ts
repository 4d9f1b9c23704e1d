import { z } from 'zod';
import { InvalidParameterError } from '../../domain/catalog.errors';

/** Opaque keyset cursor: base64url of [sortDate, uid] of the last row returned. */
const CursorSchema = z.tuple([z.string().regex(/^\d{4}-\d{2}-\d{2}$/), z.string().min(1)]);
export type ContractCursor = z.infer<typeof CursorSchema>;

export function encodeCursor(cursor: ContractCursor): string {
  return Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
}

export function decodeCursor(text: string): ContractCursor {
  try {
    return CursorSchema.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
  } catch {
    throw new InvalidParameterError('CATALOG_INVALID_CURSOR', 'curseur invalide : il ne vient pas de cette API');
  }
}
