import { ZodError } from 'zod';
import { classifyError, describeError, errorDetails, permanentError, transientError } from './error-classification';
import { backoffDelay, handleWithRetries } from './retry-policy';
import { sampleContractEvent } from './event-bus.conformance';
import type { DeliveredEvent } from './event-bus.port';

const withProps = (message: string, props: Record<string, unknown>) => Object.assign(new Error(message), props);

describe('classifyError', () => {
  it.each([
    ['connection refused (Node)', withProps('connect ECONNREFUSED 127.0.0.1:54329', { code: 'ECONNREFUSED' }), 'network'],
    ['connection reset', withProps('read ECONNRESET', { code: 'ECONNRESET' }), 'network'],
    ['pg: connection terminated', new Error('Connection terminated unexpectedly'), 'postgresql'],
    ['pg 57P01 admin shutdown', withProps('terminating connection due to administrator command', { code: '57P01' }), 'postgresql'],
    ['pg 57P03 starting up', withProps('the database system is starting up', { code: '57P03' }), 'postgresql'],
    ['pg 08006 connection failure', withProps('connection failure', { code: '08006' }), 'postgresql'],
    ['pg 40001 serialization failure', withProps('could not serialize access', { code: '40001' }), 'postgresql'],
    ['pg 40P01 deadlock', withProps('deadlock detected', { code: '40P01' }), 'postgresql'],
    ['pg 53300 too many connections', withProps('sorry, too many clients already', { code: '53300' }), 'postgresql'],
    ['pg 55P03 lock not available', withProps('canceling statement due to lock timeout', { code: '55P03' }), 'postgresql'],
    ['MikroORM ConnectionException', Object.assign(new Error('connect failed'), { name: 'ConnectionException' }), 'unknown'],
    ['MikroORM LockWaitTimeoutException', Object.assign(new Error('lock wait'), { name: 'LockWaitTimeoutException' }), 'unknown'],
    ['SQLITE_BUSY', withProps('database is locked', { code: 'SQLITE_BUSY' }), 'sqlite'],
    ['SQLITE_BUSY_SNAPSHOT', withProps('database is locked', { code: 'SQLITE_BUSY_SNAPSHOT' }), 'sqlite'],
    ['SQLITE_LOCKED', withProps('database table is locked', { code: 'SQLITE_LOCKED' }), 'sqlite'],
    ['SQLITE_CANTOPEN', withProps('unable to open database file', { code: 'SQLITE_CANTOPEN' }), 'sqlite'],
    ['search 503', Object.assign(new Error('Service Unavailable'), { name: 'ResponseError', meta: { statusCode: 503 } }), 'search'],
    ['search 429', Object.assign(new Error('Too Many Requests'), { name: 'ResponseError', meta: { statusCode: 429 } }), 'search'],
    ['search connection error', Object.assign(new Error('connect ECONNREFUSED'), { name: 'ConnectionError' }), 'search'],
    ['search no living connections', Object.assign(new Error('There are no living connections'), { name: 'NoLivingConnectionsError' }), 'search'],
    ['kafka retriable', Object.assign(new Error('Not leader for partition'), { name: 'KafkaJSProtocolError', retriable: true }), 'kafka'],
    ['kafka connection', Object.assign(new Error('Connection error'), { name: 'KafkaJSConnectionError' }), 'kafka'],
    ['undici fetch failed with a cause', new Error('fetch failed', { cause: withProps('connect ECONNREFUSED', { code: 'ECONNREFUSED' }) }), 'network'],
    ['happy-eyeballs AggregateError', Object.assign(new AggregateError([withProps('a', { code: 'ECONNREFUSED' })], ''), { code: 'ECONNREFUSED' }), 'network'],
  ])('%s is transient', (_label, err, dependency) => {
    expect(classifyError(err)).toMatchObject({ kind: 'transient', dependency });
  });

  it.each([
    ['a schema error', new ZodError([])],
    ['a domain error', Object.assign(new Error('montant négatif'), { name: 'DomainError', code: 'INVALID_MONTANT' })],
    ['a unique constraint (pg 23505)', withProps('duplicate key value violates unique constraint', { code: '23505' })],
    ['a not-null constraint (MikroORM)', Object.assign(new Error('null value'), { name: 'NotNullConstraintViolationException' })],
    ['a SQLite constraint', withProps('UNIQUE constraint failed: contracts.uid', { code: 'SQLITE_CONSTRAINT_UNIQUE' })],
    ['a search 400 (mapping)', Object.assign(new Error('mapper_parsing_exception'), { name: 'ResponseError', meta: { statusCode: 400 } })],
    ['a bug in the handler', new TypeError("Cannot read properties of undefined (reading 'montant')")],
    ['a non-retriable kafka error', Object.assign(new Error('Invalid record'), { name: 'KafkaJSProtocolError', retriable: false })],
    ['a thrown string', 'boom'],
  ])('%s is permanent', (_label, err) => {
    expect(classifyError(err).kind).toBe('permanent');
  });

  it('obeys an explicit mark over the signs of the error', () => {
    expect(classifyError(permanentError(withProps('connect ECONNREFUSED', { code: 'ECONNREFUSED' })))).toMatchObject({ kind: 'permanent', rule: 'marked permanent' });
    expect(classifyError(transientError(new TypeError('referential not loaded yet'), 'postgresql'))).toMatchObject({ kind: 'transient', dependency: 'postgresql' });
  });

  it('finds a transient cause under a permanent-looking wrapper', () => {
    const wrapped = new Error('batch failed', { cause: withProps('Connection terminated', { code: '57P01' }) });
    expect(classifyError(wrapped)).toMatchObject({ kind: 'transient', dependency: 'postgresql' });
  });
});

describe('errorDetails', () => {
  it('keeps code, name, message and the first frames of the stack', () => {
    const d = errorDetails(Object.assign(new Error('montant négatif'), { name: 'DomainError', code: 'INVALID_MONTANT' }));
    expect(d).toMatchObject({ name: 'DomainError', code: 'INVALID_MONTANT', message: 'montant négatif' });
    expect(d.stack?.split('\n').length).toBeLessThanOrEqual(8);
    expect(d.stack).toMatch(/^at /);
    expect(describeError(d)).toBe('DomainError [INVALID_MONTANT]: montant négatif');
  });
});

describe('backoffDelay', () => {
  it('doubles from the base, is capped, and jitters within [d/2, d]', () => {
    expect(backoffDelay(1, 200, 30_000, () => 1)).toBe(200);
    expect(backoffDelay(4, 200, 30_000, () => 1)).toBe(1600);
    expect(backoffDelay(4, 200, 30_000, () => 0)).toBe(800);
    expect(backoffDelay(50, 200, 30_000, () => 1)).toBe(30_000);
    expect(backoffDelay(50, 200, 30_000, () => 0)).toBe(15_000);
  });
});

describe('handleWithRetries', () => {
  const batch: DeliveredEvent[] = ['A', 'B', 'C'].map((uid, i) => ({ event: sampleContractEvent(uid), topic: 't', partition: 2, offset: String(10 + i), headers: {} }));
  const opts = { group: 'g', maxAttempts: 3, retryBackoffMs: 1, sleep: async () => undefined };

  it('retries a transient failure without limit and dead-letters nothing', async () => {
    let calls = 0;
    const events: string[] = [];
    const failed = await handleWithRetries(
      async () => {
        if (++calls <= 100) throw withProps('database is locked', { code: 'SQLITE_BUSY' });
      },
      batch,
      { ...opts, observer: { paused: (i) => events.push(`paused ${i.topic}[${i.partition}]@${i.offset} ${i.dependency}`), resumed: (i) => events.push(`resumed after ${i.retries}`) } },
    );
    expect(failed).toEqual([]);
    expect(calls).toBe(101);
    expect(events).toEqual(['paused t[2]@10 sqlite', 'resumed after 100']);
  });

  it('isolates a poison event after bounded retries and returns it with its own error', async () => {
    const calls: string[] = [];
    const failed = await handleWithRetries(
      async (b) => {
        calls.push(b.map((d) => d.event.aggregateId).join(''));
        if (b.some((d) => d.event.aggregateId === 'B')) throw Object.assign(new Error('B is invalid'), { name: 'DomainError', code: 'BAD_B' });
      },
      batch,
      opts,
    );
    expect(calls).toEqual(['ABC', 'ABC', 'ABC', 'A', 'B', 'B', 'C']);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ reason: 'DomainError [BAD_B]: B is invalid', attempts: 2, error: { code: 'BAD_B' } });
    expect(failed[0].delivered.offset).toBe('11');
  });

  it('gives the batch back uncommitted when the consumer stops during an outage', async () => {
    let running = true;
    let calls = 0;
    const run = handleWithRetries(
      async () => {
        if (++calls === 3) running = false;
        throw withProps('connect ECONNREFUSED', { code: 'ECONNREFUSED' });
      },
      batch,
      { ...opts, isRunning: () => running },
    );
    await expect(run).rejects.toMatchObject({ name: 'ConsumerStopped' });
  });
});
