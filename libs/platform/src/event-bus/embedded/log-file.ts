import { promises as fsp } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';

export interface LogEntry {
  offset: number;
  key: string | null;
  headers: Record<string, string>;
  value: string;
}

interface StoredLine {
  o: number;
  k: string | null;
  h: Record<string, string>;
  v: string;
}

const CHUNK = 1 << 20;

/**
 * One topic's append-only log: a JSON-lines file, one line per message, offsets dense from 0.
 * Appends are serialised and written in one call per batch; reads stream from a byte position
 * in bounded chunks (memory never grows with the file).
 */
export class LogFile {
  nextOffset = 0;
  private opened: Promise<void> | null = null;
  private chain: Promise<unknown> = Promise.resolve();
  private handle: FileHandle | null = null;

  constructor(
    readonly path: string,
    private readonly fsync: boolean,
  ) {}

  open(): Promise<void> {
    this.opened ??= this.doOpen();
    return this.opened;
  }

  private async doOpen() {
    this.handle = await fsp.open(this.path, 'a+');
    const { size } = await this.handle.stat();
    if (size === 0) return;
    // The last complete line holds the last offset; a torn last line (crash mid-write) is truncated.
    const tailSize = Math.min(size, 4 * CHUNK);
    const buf = Buffer.alloc(tailSize);
    await this.handle.read(buf, 0, tailSize, size - tailSize);
    const text = buf.toString('utf8');
    const end = text.lastIndexOf('\n');
    if (end < 0) throw new Error(`${this.path}: last line longer than ${tailSize} bytes, cannot recover the log tail`);
    if (end !== text.length - 1) {
      await this.handle.truncate(size - (text.length - end - 1));
    }
    const start = text.lastIndexOf('\n', end - 1);
    const last = JSON.parse(text.slice(start + 1, end)) as StoredLine;
    this.nextOffset = last.o + 1;
  }

  append(entries: { key: string | null; headers: Record<string, string>; value: string }[]): Promise<number[]> {
    const run = async () => {
      await this.open();
      const offsets: number[] = [];
      let out = '';
      for (const e of entries) {
        const o = this.nextOffset + offsets.length;
        offsets.push(o);
        out += JSON.stringify({ o, k: e.key, h: e.headers, v: e.value } satisfies StoredLine) + '\n';
      }
      await this.handle!.appendFile(out, 'utf8');
      if (this.fsync) await this.handle!.datasync();
      this.nextOffset += entries.length;
      return offsets;
    };
    const p = this.chain.then(run, run);
    this.chain = p.catch(() => undefined);
    return p;
  }

  /** Up to `max` entries starting at byte `position`; `nextPosition` is where the next read starts. */
  async read(position: number, max: number): Promise<{ entries: LogEntry[]; nextPosition: number }> {
    await this.open();
    await this.chain;
    const entries: LogEntry[] = [];
    let pos = position;
    let carry = Buffer.alloc(0);
    while (entries.length < max) {
      const buf = Buffer.alloc(CHUNK);
      const { bytesRead } = await this.handle!.read(buf, 0, CHUNK, pos + carry.length);
      if (bytesRead === 0) break;
      let data = carry.length ? Buffer.concat([carry, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
      let start = 0;
      let nl: number;
      while (entries.length < max && (nl = data.indexOf(10, start)) >= 0) {
        const line = JSON.parse(data.subarray(start, nl).toString('utf8')) as StoredLine;
        entries.push({ offset: line.o, key: line.k, headers: line.h, value: line.v });
        start = nl + 1;
      }
      pos += start;
      data = data.subarray(start);
      carry = Buffer.from(data);
      if (entries.length >= max) break;
      if (bytesRead < CHUNK) break;
    }
    return { entries, nextPosition: pos };
  }

  async close() {
    await this.chain;
    await this.handle?.close();
    this.handle = null;
    this.opened = null;
  }
}
