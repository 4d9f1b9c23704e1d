import type { MikroORM } from '@mikro-orm/core';
import type { LedgerLock, LedgerLockOptions } from '../../application/ingest-files/ledger-lock';
import { PostgresLockBackend } from './postgres-lock.backend';
import { SerialLedgerLock } from './serial-ledger-lock';
import { SqliteLockBackend } from './sqlite-lock.backend';

/** The ledger lock of the ingest ORM's database: advisory lock on PostgreSQL, lease row on SQLite. */
export function createLedgerLock(orm: MikroORM, options: Partial<LedgerLockOptions> = {}): LedgerLock {
  const url = orm.config.get('clientUrl');
  if (typeof url === 'string' && /^postgres(ql)?:\/\//.test(url)) {
    return new SerialLedgerLock(new PostgresLockBackend(url, orm.config.get('schema') ?? 'public'), options);
  }
  return new SerialLedgerLock(new SqliteLockBackend(orm), options);
}
