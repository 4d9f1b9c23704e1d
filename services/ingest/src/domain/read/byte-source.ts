import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

/** Bytes of a file as an async iterable of Buffers, with the first bytes already read for sniffing. */
export interface PeekedBytes {
  readonly head: Buffer;
  readonly chunks: AsyncIterable<Buffer>;
}

const GZIP_MAGIC = [0x1f, 0x8b];

function toBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError('byte stream yielded a non-binary chunk');
}

/** Reads at least `size` bytes (or up to the end) without losing them: `chunks` replays them first. */
export async function peek(source: AsyncIterable<unknown>, size: number): Promise<PeekedBytes> {
  const iterator = source[Symbol.asyncIterator]();
  const buffered: Buffer[] = [];
  let length = 0;
  let done = false;
  while (length < size) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const buf = toBuffer(next.value);
    buffered.push(buf);
    length += buf.length;
  }
  const head = Buffer.concat(buffered, length);
  async function* replay(): AsyncGenerator<Buffer> {
    if (head.length) yield head;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield toBuffer(next.value);
    }
  }
  return { head: head.subarray(0, Math.min(size, head.length)), chunks: replay() };
}

export function isGzip(head: Buffer): boolean {
  return head.length >= 2 && head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
}

export function gunzip(chunks: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  return Readable.from(chunks).pipe(createGunzip()) as AsyncIterable<Buffer>;
}

/** Opens the input, transparently gunzips it (magic 1f8b), and peeks the first `size` decompressed bytes. */
export async function openDecompressed(open: () => NodeJS.ReadableStream, size: number): Promise<PeekedBytes> {
  const raw = await peek(open() as AsyncIterable<unknown>, 2);
  const bytes = isGzip(raw.head) ? gunzip(raw.chunks) : raw.chunks;
  return peek(bytes, size);
}
