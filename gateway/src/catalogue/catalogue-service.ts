// The merchant's price list: items with barcodes, prices in fen and pricing flags, exactly as the
// engine reads them (`CatalogueItem` of the protocol). HQ upserts it; terminals receive it in
// their snapshot.
import { CatalogueItem } from '@pos/protocol';
import { z } from 'zod';
import type { Actor, Clock } from '../context.js';
import { require as requireAction } from '../auth/permissions.js';
import type { GatewayDb } from '../db/database.js';
import { inTransaction } from '../db/database.js';
import { GatewayError } from '../errors.js';
import { syncDb } from '../sync/sync-tables.js';

/** Items per upsert request. */
export const MAX_ITEMS_PER_UPSERT = 1000;
export const CATALOGUE_PAGE_ITEMS = 2000;

export const CatalogueUpsert = z.array(CatalogueItem).min(1).max(MAX_ITEMS_PER_UPSERT);

export class CatalogueService {
  constructor(
    private readonly gdb: GatewayDb,
    private readonly clock: Clock,
  ) {}

  /** Creates or replaces items by sku, in one transaction. */
  async upsert(actor: Actor, input: unknown): Promise<{ upserted: number }> {
    requireAction(actor, 'ruleSet.write');
    const parsed = CatalogueUpsert.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.join('.');
      throw new GatewayError('VALIDATION', `输入无效 / invalid item at ${field}: ${issue.message}`, field);
    }
    const now = this.clock.nowMs();
    await inTransaction(this.gdb, async (trx) => {
      const db = trx as unknown as ReturnType<typeof syncDb>;
      for (const item of parsed.data) {
        await db
          .insertInto('catalogue_items')
          .values({ merchant_id: actor.merchantId, sku: item.sku, item: JSON.stringify(item), updated_at: now })
          .onConflict((oc) => oc.columns(['merchant_id', 'sku']).doUpdateSet({ item: JSON.stringify(item), updated_at: now }))
          .execute();
      }
    });
    return { upserted: parsed.data.length };
  }

  page(merchantId: string, afterSku: string, limit = CATALOGUE_PAGE_ITEMS): Promise<CatalogueItem[]> {
    return catalogueItemsAfter(this.gdb, merchantId, afterSku, limit);
  }
}

/** One page of a merchant's items ordered by sku, after `afterSku`. */
export async function catalogueItemsAfter(gdb: GatewayDb, merchantId: string, afterSku: string, limit = CATALOGUE_PAGE_ITEMS): Promise<CatalogueItem[]> {
  const rows = await syncDb(gdb)
    .selectFrom('catalogue_items')
    .select(['item'])
    .where('merchant_id', '=', merchantId)
    .where('sku', '>', afterSku)
    .orderBy('sku')
    .limit(Math.min(limit, CATALOGUE_PAGE_ITEMS))
    .execute();
  return rows.map((r) => CatalogueItem.parse(JSON.parse(r.item)));
}
