/**
 * Recomputes every notice's reminder day and due-index keys from the notices themselves: the
 * migration for notices stored before the due index existed, and the oracle the tests compare
 * the incremental index with. Runs once per DUE_INDEX_VERSION (at `npm start`, and from the AWS
 * tick), then never again; its cost is a read of every notice, once.
 */
import type { Platform } from "../platform/ports.js";
import { reminderDay } from "./due.js";
import type { RepostNotice } from "./model.js";
import {
  noticeIndex,
  noticePartition,
  REPOST_DOCS_PARTITION,
  type RepostDocument,
  updateNotice,
} from "./records.js";
import type { WorkingDayCalendar } from "./working-days.js";

export const DUE_INDEX_VERSION = 1;
const MARKER = { pk: "REPOST_TICK", sk: "due-index-version" } as const;

export interface DueRebuildResult {
  readonly notices: number;
  readonly rewritten: number;
}

/** Every notice whose reminder day or due keys differ from what its state gives now is rewritten. */
export async function rebuildDueIndex(
  platform: Pick<Platform, "records" | "clock">,
  calendar: WorkingDayCalendar,
): Promise<DueRebuildResult> {
  const { records } = platform;
  let notices = 0;
  let rewritten = 0;
  let cursor: string | undefined;
  do {
    const docs = await records.query<RepostDocument>(REPOST_DOCS_PARTITION, { cursor, limit: 100 });
    cursor = docs.cursor;
    for (const doc of docs.items) {
      const remindFrom = reminderDay(calendar, doc.data.deadline);
      let page: string | undefined;
      do {
        const stored = await records.query<RepostNotice>(noticePartition(doc.data.documentId), {
          cursor: page,
          limit: 500,
        });
        page = stored.cursor;
        for (const item of stored.items) {
          notices += 1;
          const expected = noticeIndex(
            item.data.remindFrom === undefined ? { ...item.data, remindFrom } : item.data,
            platform.clock.now(),
          );
          if (
            item.data.remindFrom !== undefined &&
            item.index?.gsi2pk === expected.gsi2pk &&
            item.index?.gsi2sk === expected.gsi2sk
          )
            continue;
          // Through updateNotice: a notice changed meanwhile is read again, not overwritten.
          await updateNotice(
            platform,
            item,
            (n) => (n.remindFrom === undefined ? { ...n, remindFrom } : { ...n }),
            item,
          );
          rewritten += 1;
        }
      } while (page);
    }
  } while (cursor);
  return { notices, rewritten };
}

/** Runs the rebuild unless this version's has been done; returns its result, or null. */
export async function ensureDueIndex(
  platform: Pick<Platform, "records" | "clock">,
  calendar: WorkingDayCalendar,
): Promise<DueRebuildResult | null> {
  const marker = await platform.records.get<{ version: number }>(MARKER);
  if (marker && marker.data.version >= DUE_INDEX_VERSION) return null;
  const result = await rebuildDueIndex(platform, calendar);
  await platform.records.put({ ...MARKER, data: { version: DUE_INDEX_VERSION } });
  return result;
}
