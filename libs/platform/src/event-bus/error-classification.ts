/**
 * Transient or permanent: the question the consumers' error policy asks of every handler failure.
 *
 * - transient: a dependency is unreachable or momentarily refuses work (connection refused/reset/
 *   terminated, PostgreSQL restarting or out of resources, a serialization failure or a deadlock,
 *   a lock time-out, SQLite busy/locked/unopenable, the search engine answering 5xx/429 or not at all,
 *   a retriable Kafka error). The same event will be handled once the dependency is back: the
 *   consumer pauses and retries for as long as it takes, and never dead-letters it.
 * - permanent: the event itself cannot be handled (it fails its schema, a domain rule, a constraint
 *   that can never hold, a bug in the handler). Bounded retries, then the dead-letter topic.
 *
 * Unknown errors are permanent: a dependency outage shows as one of the known signs below, and a
 * handler that knows better marks its error with `transientError`/`permanentError`.
 */
export type ErrorKind = 'transient' | 'permanent';

/** Which dependency a transient failure points at (shown in logs, readiness and the admin page). */
export type Dependency = 'postgresql' | 'sqlite' | 'search' | 'kafka' | 'network' | 'unknown';

export interface ErrorClassification {
  kind: ErrorKind;
  /** Why: the rule that matched (`sqlstate 57P01`, `ECONNREFUSED`, `http 503`, `marked`, `default`…). */
  rule: string;
  dependency?: Dependency;
}

/** What is kept of an error for logs and dead letters: code, name, message, a stack summary. */
export interface ErrorDetails {
  name: string;
  message: string;
  code?: string;
  /** The first frames of the stack (at most 8 lines, 1,000 characters). */
  stack?: string;
}

const KIND = Symbol.for('observatoire.error-kind');
const DEPENDENCY = Symbol.for('observatoire.error-dependency');

type Marked = { [KIND]?: ErrorKind; [DEPENDENCY]?: Dependency };

/** Marks an error (or wraps a non-error) as transient: the consumer pauses and retries it without limit. */
export function transientError<E>(err: E, dependency: Dependency = 'unknown'): E extends Error ? E : Error {
  const e = (err instanceof Error ? err : new Error(String(err))) as Error & Marked;
  e[KIND] = 'transient';
  e[DEPENDENCY] = dependency;
  return e as never;
}

/** Marks an error (or wraps a non-error) as permanent: bounded retries, then the dead-letter topic. */
export function permanentError<E>(err: E): E extends Error ? E : Error {
  const e = (err instanceof Error ? err : new Error(String(err))) as Error & Marked;
  e[KIND] = 'permanent';
  return e as never;
}

const NET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'EADDRNOTAVAIL',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

/** SQLite result codes (better-sqlite3 `code`, extended codes included: SQLITE_BUSY_SNAPSHOT…). */
const SQLITE_TRANSIENT = /^SQLITE_(BUSY|LOCKED|CANTOPEN|PROTOCOL|IOERR_LOCK|IOERR_SHMLOCK|IOERR_SHMOPEN)/;

/**
 * PostgreSQL SQLSTATEs: 08 connection exception, 53 insufficient resources, 57P01 admin shutdown,
 * 57P02 crash shutdown, 57P03 cannot connect now, 57014 query cancelled (statement time-out),
 * 40001 serialization failure, 40P01 deadlock, 55P03 lock not available, 58 system error.
 */
const PG_TRANSIENT = /^(08...|53...|57P0[1-3]|57014|40001|40P01|55P03|58...)$/;
const SQLSTATE = /^[0-9A-Z]{5}$/;

const TRANSIENT_NAMES: Record<string, Dependency> = {
  // MikroORM's driver exceptions
  ConnectionException: 'unknown',
  DeadlockException: 'unknown',
  LockWaitTimeoutException: 'unknown',
  // @elastic/transport (Elasticsearch / OpenSearch)
  ConnectionError: 'search',
  NoLivingConnectionsError: 'search',
  TimeoutError: 'unknown',
  // kafkajs
  KafkaJSConnectionError: 'kafka',
  KafkaJSConnectionClosedError: 'kafka',
  KafkaJSRequestTimeoutError: 'kafka',
  KafkaJSBrokerNotFound: 'kafka',
  KafkaJSLockTimeout: 'kafka',
  KafkaJSStaleTopicMetadataAssignment: 'kafka',
  KafkaJSOffsetOutOfRange: 'kafka',
};

const TRANSIENT_MESSAGES: [RegExp, Dependency][] = [
  [/connection terminated|terminating connection due to administrator command|the database system is (starting up|shutting down|in recovery mode|not yet accepting connections)|Connection terminated unexpectedly|Client has encountered a connection error/i, 'postgresql'],
  [/timeout exceeded when trying to connect|Timeout acquiring a connection|connection pool (is )?(full|exhausted)|sorry, too many clients already/i, 'unknown'],
  [/database is locked|database table is locked|unable to open database file/i, 'sqlite'],
  [/\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH)\b|socket hang up|connect(ion)? refused|connection reset|other side closed|fetch failed/i, 'network'],
  [/lock (wait )?time-?out|canceling statement due to (lock|statement) timeout|could not obtain lock/i, 'unknown'],
];

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** The HTTP status an error carries (Elasticsearch's ResponseError: `meta.statusCode`; others: `statusCode`/`status`). */
function httpStatusOf(e: Record<string, unknown>): number | undefined {
  const meta = e.meta as { statusCode?: unknown } | undefined;
  const s = meta?.statusCode ?? e.statusCode ?? e.status;
  return typeof s === 'number' && s >= 100 && s < 600 ? s : undefined;
}

function classifyOne(err: unknown): ErrorClassification | null {
  if (err === null || typeof err !== 'object') return null;
  const e = err as Record<string, unknown> & Marked;
  if (e[KIND] === 'transient') return { kind: 'transient', rule: 'marked transient', dependency: e[DEPENDENCY] ?? 'unknown' };
  if (e[KIND] === 'permanent') return { kind: 'permanent', rule: 'marked permanent' };
  const name = str(e.name) ?? (err as object).constructor?.name ?? '';
  const code = str(e.code) ?? '';
  const sqlState = str(e.sqlState) ?? (SQLSTATE.test(code) ? code : '');
  if (code && NET_CODES.has(code)) return { kind: 'transient', rule: code, dependency: 'network' };
  if (SQLITE_TRANSIENT.test(code)) return { kind: 'transient', rule: code, dependency: 'sqlite' };
  if (sqlState && PG_TRANSIENT.test(sqlState)) return { kind: 'transient', rule: `sqlstate ${sqlState}`, dependency: 'postgresql' };
  // Constraint violations, schema/type errors of the database: the same event fails the same way.
  if (sqlState && /^(23|22|42)/.test(sqlState)) return { kind: 'permanent', rule: `sqlstate ${sqlState}` };
  if (/^SQLITE_(CONSTRAINT|MISMATCH|TOOBIG|RANGE|ERROR)/.test(code)) return { kind: 'permanent', rule: code };
  if (name === 'ResponseError' || e.meta !== undefined) {
    const status = httpStatusOf(e);
    if (status !== undefined) return status >= 500 || status === 429 || status === 408 ? { kind: 'transient', rule: `http ${status}`, dependency: 'search' } : { kind: 'permanent', rule: `http ${status}` };
  }
  if (name in TRANSIENT_NAMES) return { kind: 'transient', rule: name, dependency: TRANSIENT_NAMES[name] };
  if (name.startsWith('KafkaJS') && e.retriable === true) return { kind: 'transient', rule: `${name} (retriable)`, dependency: 'kafka' };
  if (/ConstraintViolation|^ZodError$|^DomainError$|^CatalogError$/.test(name)) return { kind: 'permanent', rule: name };
  const message = str(e.message) ?? '';
  for (const [re, dependency] of TRANSIENT_MESSAGES) if (re.test(message)) return { kind: 'transient', rule: `message /${re.source.slice(0, 40)}…/`, dependency };
  return null;
}

/** Transient or permanent, looking through `cause` chains and AggregateErrors (Node's happy-eyeballs connect errors). */
export function classifyError(err: unknown): ErrorClassification {
  const seen = new Set<unknown>();
  const queue: unknown[] = [err];
  let firstPermanent: ErrorClassification | null = null;
  while (queue.length > 0) {
    const e = queue.shift();
    if (e === null || e === undefined || seen.has(e)) continue;
    seen.add(e);
    const c = classifyOne(e);
    // An explicit mark on the outermost error decides; otherwise a transient sign anywhere in the chain wins.
    if (c && e === err && c.rule.startsWith('marked')) return c;
    if (c?.kind === 'transient') return c;
    if (c && !firstPermanent) firstPermanent = c;
    if (typeof e === 'object') {
      const o = e as { cause?: unknown; errors?: unknown; originalError?: unknown; previous?: unknown };
      if (o.cause !== undefined) queue.push(o.cause);
      if (o.originalError !== undefined) queue.push(o.originalError);
      if (o.previous !== undefined) queue.push(o.previous);
      if (Array.isArray(o.errors)) queue.push(...o.errors);
    }
  }
  return firstPermanent ?? { kind: 'permanent', rule: 'default (not a known transient failure)' };
}

/** Code, name, message and a stack summary of an error (what a dead letter and a log line carry). */
export function errorDetails(err: unknown): ErrorDetails {
  if (!(err instanceof Error)) {
    if (err && typeof err === 'object') {
      const o = err as { message?: unknown; code?: unknown; status?: unknown };
      const message = typeof o.message === 'string' ? o.message : JSON.stringify(err);
      return { name: 'NonError', message: message.slice(0, 2000), ...(str(o.code) ? { code: str(o.code) } : {}) };
    }
    return { name: 'NonError', message: String(err).slice(0, 2000) };
  }
  const o = err as Error & { code?: unknown; sqlState?: unknown };
  const code = str(o.code) ?? str(o.sqlState) ?? (o.cause && typeof o.cause === 'object' ? str((o.cause as { code?: unknown }).code) : undefined);
  const stack = o.stack
    ?.split('\n')
    .filter((l) => l.trim().startsWith('at '))
    .slice(0, 8)
    .map((l) => l.trim())
    .join('\n')
    .slice(0, 1000);
  return { name: o.name || 'Error', message: (o.message ?? '').slice(0, 2000), ...(code ? { code } : {}), ...(stack ? { stack } : {}) };
}

/** `Name [code]: message` — the reason of a dead letter and of a log line. */
export function describeError(d: ErrorDetails): string {
  return `${d.name}${d.code ? ` [${d.code}]` : ''}: ${d.message}`.slice(0, 2000);
}
