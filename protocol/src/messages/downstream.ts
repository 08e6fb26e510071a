// Downstream: a bootstrap snapshot in chunks, then deltas, each applied atomically by the terminal.
import { z } from 'zod';
import { Ulid } from '../ids.js';
import {
  CardRecord,
  CatalogueItem,
  MemberRecord,
  RuleSetRecord,
  StoreSettings,
  SyncEntity,
} from '../records.js';

/** Items of one entity, typed by the entity name. */
export const EntityItems = z.discriminatedUnion('entity', [
  z.object({ entity: z.literal('members'), items: z.array(MemberRecord).max(10_000) }),
  z.object({ entity: z.literal('cards'), items: z.array(CardRecord).max(10_000) }),
  z.object({ entity: z.literal('catalogue'), items: z.array(CatalogueItem).max(10_000) }),
  z.object({ entity: z.literal('ruleSet'), items: z.array(RuleSetRecord).max(1) }),
  z.object({ entity: z.literal('storeSettings'), items: z.array(StoreSettings).max(1) }),
]);

export const SnapshotChunkBody = z.intersection(
  z.object({
    snapshotId: Ulid,
    /** 0-based chunk number within the snapshot. */
    index: z.number().int().min(0),
    /** True on the final chunk; the terminal then adopts `cursor`. */
    last: z.boolean(),
    /** Change-feed position the snapshot is consistent with; set on the last chunk. */
    cursor: z.string().max(128).nullable(),
  }),
  EntityItems,
);
export type SnapshotChunkBody = z.infer<typeof SnapshotChunkBody>;

export const DeltaChange = z.discriminatedUnion('op', [
  z.object({ op: z.literal('upsert'), change: EntityItems }),
  z.object({ op: z.literal('delete'), entity: SyncEntity, keys: z.array(z.string().min(1)).min(1).max(10_000) }),
]);

export const DeltaBody = z.object({
  /** Position after applying these changes. */
  cursor: z.string().min(1).max(128),
  changes: z.array(DeltaChange).min(1).max(1000),
});
export type DeltaBody = z.infer<typeof DeltaBody>;
