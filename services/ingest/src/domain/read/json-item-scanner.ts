/**
 * A byte-level streaming splitter for DECP JSON files. It walks the envelope
 * (`{"marches": [ … ]}` or `{"marches": {"marche": [ … ], "contrat-concession": [ … ]}}`)
 * token by token and cuts out the raw bytes of each item of the target arrays; every other
 * value is skipped without being kept. Memory is bounded by the largest single item.
 *
 * Why not stream-json here: items must be kept as their raw text (quarantine), a broken item
 * must not end the stream (per-item JSON.parse), NaN tokens and control characters must be
 * repaired, and syntax errors must name the byte and line. See docs/formats.md.
 */

export interface ScannedItem {
  readonly type: 'item';
  /** Dotted path of the array the item belongs to: "marches", "marches.marche", "marches.contrat-concession". */
  readonly arrayPath: string;
  readonly bytes: Buffer;
  readonly byteOffset: number;
  readonly line: number;
}

export interface ScanError {
  readonly type: 'error';
  readonly code: 'SYNTAX_ERROR' | 'TRUNCATED';
  readonly message: string;
  readonly byteOffset: number;
  readonly line: number;
  /** The bytes of the item cut short, when the file ended inside one. */
  readonly partial: Buffer | null;
}

export type ScanEvent = ScannedItem | ScanError;

const TARGET_ARRAYS = new Set(['marches', 'marches.marche', 'marches.contrat-concession']);
const SINGLE_ITEM_PATHS = new Set(['marches.marche', 'marches.contrat-concession']);
export const MAX_ITEM_BYTES = 64 * 1024 * 1024;

type FrameState = 'keyOrEnd' | 'key' | 'colon' | 'value' | 'valueOrEnd' | 'commaOrEnd';
interface Frame {
  readonly type: 'object' | 'array';
  readonly path: string;
  state: FrameState;
  key: string;
}

interface Capture {
  readonly keep: boolean;
  readonly arrayPath: string;
  readonly scalar: 'container' | 'string' | 'bare';
  readonly byteOffset: number;
  readonly line: number;
  depth: number;
  inString: boolean;
  escape: boolean;
  parts: Buffer[];
  size: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isWhitespace(b: number): boolean {
  // Control characters between tokens are tolerated like whitespace.
  return b <= 0x20;
}

export class JsonItemScanner {
  private readonly stack: Frame[] = [];
  private rootDone = false;
  private rootStarted = false;
  private failed = false;
  private offset = 0;
  private line = 1;
  private capture: Capture | null = null;
  private keyBytes: number[] | null = null;
  private keyEscape = false;
  private bomChecked = false;
  private events: ScanEvent[] = [];

  /** Feeds one chunk; returns the items and errors completed inside it. */
  feed(chunk: Buffer): ScanEvent[] {
    this.events = [];
    if (this.failed) return this.events;
    let i = 0;
    if (!this.bomChecked) {
      this.bomChecked = true;
      if (chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) i = 3;
    }
    let captureStart = i;
    while (i < chunk.length && !this.failed) {
      if (this.capture) {
        const end = this.scanCapture(chunk, i);
        if (end < 0) {
          i = chunk.length;
          break;
        }
        this.finishCapture(chunk, captureStart, end);
        i = end;
        continue;
      }
      if (this.keyBytes) {
        i = this.scanKey(chunk, i);
        continue;
      }
      const started = this.envelopeByte(chunk[i], i);
      if (started) captureStart = i;
      else {
        if (chunk[i] === 0x0a) this.line++;
        i++;
      }
    }
    if (this.capture && !this.failed) this.keepPart(chunk.subarray(captureStart));
    this.offset += chunk.length;
    return this.events;
  }

  /** Signals the end of the input; reports a truncated file. */
  end(): ScanEvent[] {
    this.events = [];
    if (this.failed) return this.events;
    if (this.capture || !this.rootDone) {
      const partial = this.capture?.keep ? Buffer.concat(this.capture.parts) : null;
      const inItem = this.capture?.keep ? ' inside a record' : '';
      this.fail('TRUNCATED', `unexpected end of file${inItem}: the JSON structure is not closed`, this.offset, partial);
    }
    return this.events;
  }

  private fail(code: ScanError['code'], message: string, byteOffset: number, partial: Buffer | null = null): void {
    this.failed = true;
    this.events.push({ type: 'error', code, message, byteOffset, line: this.line, partial });
  }

  private keepPart(part: Buffer): void {
    const c = this.capture;
    if (!c || !c.keep || part.length === 0) return;
    c.parts.push(part);
    c.size += part.length;
    if (c.size > MAX_ITEM_BYTES) this.fail('SYNTAX_ERROR', `a record exceeds ${MAX_ITEM_BYTES} bytes`, this.offset);
  }

  /** Handles one byte outside any captured value. Returns true when a capture starts at this byte (not consumed). */
  private envelopeByte(b: number, index: number): boolean {
    const at = this.offset + index;
    if (isWhitespace(b)) return false;
    if (this.rootDone) {
      this.fail('SYNTAX_ERROR', `unexpected ${describe(b)} after the end of the JSON document`, at);
      return false;
    }
    const frame = this.stack[this.stack.length - 1];
    if (!frame) return this.rootValue(b, at);
    switch (frame.state) {
      case 'keyOrEnd':
      case 'key':
        if (b === QUOTE) {
          this.keyBytes = [];
          this.keyEscape = false;
          return false;
        }
        if (b === 0x7d && frame.state === 'keyOrEnd') return this.pop(), false;
        this.fail('SYNTAX_ERROR', `expected a property name, found ${describe(b)}`, at);
        return false;
      case 'colon':
        if (b === 0x3a) frame.state = 'value';
        else this.fail('SYNTAX_ERROR', `expected ":" after "${frame.key}", found ${describe(b)}`, at);
        return false;
      case 'valueOrEnd':
        if (b === 0x5d) return this.pop(), false;
        return this.startValue(frame, b, at);
      case 'value':
        return this.startValue(frame, b, at);
      case 'commaOrEnd':
        if (b === 0x2c) frame.state = frame.type === 'object' ? 'key' : 'value';
        else if ((b === 0x7d && frame.type === 'object') || (b === 0x5d && frame.type === 'array')) this.pop();
        else this.fail('SYNTAX_ERROR', `expected "," or the end of ${frame.type === 'object' ? 'an object' : 'an array'} in "${frame.path || '(root)'}", found ${describe(b)}`, at);
        return false;
    }
  }

  private rootValue(b: number, at: number): boolean {
    if (this.rootStarted) return false;
    this.rootStarted = true;
    if (b === 0x7b) {
      this.stack.push({ type: 'object', path: '', state: 'keyOrEnd', key: '' });
      return false;
    }
    this.fail('SYNTAX_ERROR', `expected a JSON object at the root, found ${describe(b)}`, at);
    return false;
  }

  private pop(): void {
    this.stack.pop();
    const parent = this.stack[this.stack.length - 1];
    if (parent) parent.state = 'commaOrEnd';
    else this.rootDone = true;
  }

  private startValue(frame: Frame, b: number, at: number): boolean {
    const childPath = frame.type === 'object' ? (frame.path ? `${frame.path}.${frame.key}` : frame.key) : frame.path;
    if (frame.type === 'object' && b === 0x7b && childPath === 'marches') {
      this.stack.push({ type: 'object', path: childPath, state: 'keyOrEnd', key: '' });
      return false;
    }
    if (frame.type === 'object' && b === 0x5b && TARGET_ARRAYS.has(childPath)) {
      this.stack.push({ type: 'array', path: childPath, state: 'valueOrEnd', key: '' });
      return false;
    }
    if (b === 0x7d || b === 0x5d || b === 0x2c || b === 0x3a) {
      this.fail('SYNTAX_ERROR', `expected a value in "${childPath || '(root)'}", found ${describe(b)}`, at);
      return false;
    }
    // Items: every value of a target array, or a lone object where a 2022 array was expected.
    const isItem = frame.type === 'array' || (b === 0x7b && SINGLE_ITEM_PATHS.has(childPath));
    frame.state = 'commaOrEnd';
    this.capture = {
      keep: isItem,
      arrayPath: childPath,
      scalar: b === 0x7b || b === 0x5b ? 'container' : b === QUOTE ? 'string' : 'bare',
      byteOffset: at,
      line: this.line,
      depth: 0,
      inString: false,
      escape: false,
      parts: [],
      size: 0,
    };
    return true;
  }

  /** Scans a captured value from `start`; returns the index just after it, or -1 if it goes on in the next chunk. */
  private scanCapture(buf: Buffer, start: number): number {
    const c = this.capture as Capture;
    let i = start;
    if (c.scalar === 'bare') {
      for (; i < buf.length; i++) {
        const b = buf[i];
        if (b === 0x2c || b === 0x7d || b === 0x5d || isWhitespace(b)) return i;
      }
      return -1;
    }
    let { depth, inString, escape } = c;
    let line = this.line;
    for (; i < buf.length; i++) {
      const b = buf[i];
      if (inString) {
        if (escape) escape = false;
        else if (b === BACKSLASH) escape = true;
        else if (b === QUOTE) {
          inString = false;
          if (c.scalar === 'string') {
            this.line = line;
            return i + 1;
          }
        } else if (b === 0x0a) line++;
        continue;
      }
      if (b === QUOTE) inString = true;
      else if (b === 0x7b || b === 0x5b) depth++;
      else if (b === 0x7d || b === 0x5d) {
        depth--;
        if (depth === 0) {
          this.line = line;
          return i + 1;
        }
      } else if (b === 0x0a) line++;
    }
    c.depth = depth;
    c.inString = inString;
    c.escape = escape;
    this.line = line;
    return -1;
  }

  private finishCapture(chunk: Buffer, start: number, end: number): void {
    const c = this.capture as Capture;
    this.capture = null;
    if (!c.keep) return;
    const parts = c.parts;
    parts.push(chunk.subarray(start, end));
    const bytes = parts.length === 1 ? Buffer.from(parts[0]) : Buffer.concat(parts);
    this.events.push({ type: 'item', arrayPath: c.arrayPath, bytes, byteOffset: c.byteOffset, line: c.line });
  }

  private scanKey(buf: Buffer, start: number): number {
    const bytes = this.keyBytes as number[];
    for (let i = start; i < buf.length; i++) {
      const b = buf[i];
      if (this.keyEscape) this.keyEscape = false;
      else if (b === BACKSLASH) this.keyEscape = true;
      else if (b === QUOTE) {
        const frame = this.stack[this.stack.length - 1];
        frame.key = decodeKey(bytes);
        frame.state = 'colon';
        this.keyBytes = null;
        return i + 1;
      }
      bytes.push(b);
      if (bytes.length > 4096) {
        this.fail('SYNTAX_ERROR', 'a property name is longer than 4096 bytes', this.offset + i);
        return buf.length;
      }
    }
    return buf.length;
  }
}

function decodeKey(bytes: number[]): string {
  const raw = Buffer.from(bytes).toString('utf8');
  try {
    return JSON.parse(`"${raw}"`) as string;
  } catch {
    return raw;
  }
}

function describe(b: number): string {
  return b >= 0x20 && b < 0x7f ? `"${String.fromCharCode(b)}"` : `byte 0x${b.toString(16).padStart(2, '0')}`;
}
