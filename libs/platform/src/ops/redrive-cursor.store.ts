import { existsSync, readFileSync } from 'node:fs';
import { deadLetterTopic } from '@observatoire/contracts';
import type { EventBus } from '../event-bus/event-bus.port';
import { deadLetterCount } from './raw-bus-access';

/** The member-less consumer group whose position on `<topic>.dlq.<group>` is the re-drive cursor. */
export function redriveCursorGroup(group: string): string {
  return `${group}.redrive`;
}

export interface RedriveCursor {
  /** Next dead-letter offset to re-drive (what the re-drive uses). */
  cursor: bigint;
  /** The value in the log (what a conditional write must start from). */
  stored: bigint;
}

export interface RedriveCursorAdvance {
  cursor: bigint;
  /** Another process moved the cursor between our read and our write (it re-drove at the same time). */
  concurrent: boolean;
}

/**
 * Per dead-letter topic, the next DLQ offset not re-driven yet: a second re-drive only re-publishes
 * dead letters that arrived since. Kept in the event log itself, as the cursor of the consumer group
 * `<group>.redrive` on the DLQ `<topic>.dlq.<group>` (a group that never has members; DLQs have one
 * partition), so every process of a deployment shares it and it is backed up with the log.
 *
 * Migration: the cursors used to be a JSON file in the data directory of the process that re-drove
 * (`<dataDir>/ops/redrive-cursors.json`). While the log has no cursor for a DLQ yet, the file's value
 * is used (capped at the DLQ's size), and the next re-drive writes it to the log; from then on the
 * file is no longer read for that DLQ. The file is never written nor deleted.
 */
export class RedriveCursorStore {
  constructor(
    private readonly bus: EventBus,
    private readonly legacyFile: string | null = null,
  ) {}

  async read(topic: string, group: string): Promise<RedriveCursor> {
    const dlq = deadLetterTopic(topic, group);
    const stored = await this.bus.readCursor(redriveCursorGroup(group), dlq);
    if (stored > 0n) return { cursor: stored, stored };
    const legacy = this.legacy(dlq);
    if (legacy === 0n) return { cursor: stored, stored };
    const size = BigInt(await deadLetterCount(this.bus, topic, group));
    return { cursor: legacy < size ? legacy : size, stored };
  }

  /**
   * Move the cursor forward to `next`, from `stored` (the value read): a conditional write, retried
   * from what another process wrote, so the cursor never moves back nor loses an advance.
   */
  async advance(topic: string, group: string, stored: bigint, next: bigint): Promise<RedriveCursorAdvance> {
    const dlq = deadLetterTopic(topic, group);
    let from = stored;
    for (let attempt = 0; attempt < 10; attempt++) {
      if (from >= next) return { cursor: from, concurrent: attempt > 0 };
      const r = await this.bus.moveCursor(redriveCursorGroup(group), dlq, { from, to: next });
      if (r.moved) return { cursor: r.cursor, concurrent: attempt > 0 };
      from = r.cursor;
      await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * 80));
    }
    throw new Error(`re-drive cursor of ${dlq}: still moved by other writers after 10 attempts`);
  }

  private legacy(dlq: string): bigint {
    if (!this.legacyFile || !existsSync(this.legacyFile)) return 0n;
    try {
      const cursors = JSON.parse(readFileSync(this.legacyFile, 'utf8')) as Record<string, string>;
      return cursors[dlq] ? BigInt(cursors[dlq]) : 0n;
    } catch {
      return 0n; // unreadable legacy file: the log's cursor (0) applies
    }
  }
}
