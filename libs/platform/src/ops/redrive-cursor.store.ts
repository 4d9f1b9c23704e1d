import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Per dead-letter topic, the next DLQ offset not yet re-driven: a second re-drive only re-publishes
 * dead letters that arrived since. Kept in a small JSON file (written atomically) when a file is
 * given, in memory otherwise.
 */
export class RedriveCursorStore {
  private cursors: Record<string, string> = {};

  constructor(private readonly file: string | null) {
    this.reload();
  }

  /** Re-read the file: the CLI and the admin API may both have moved a cursor. */
  private reload() {
    if (this.file && existsSync(this.file)) this.cursors = JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, string>;
  }

  get(dlqTopic: string): bigint {
    this.reload();
    return BigInt(this.cursors[dlqTopic] ?? '0');
  }

  set(dlqTopic: string, next: bigint): void {
    this.reload();
    this.cursors[dlqTopic] = next.toString();
    if (!this.file) return;
    mkdirSync(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.cursors, null, 2));
    renameSync(tmp, this.file);
  }
}
