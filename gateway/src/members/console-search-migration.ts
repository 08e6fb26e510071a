// Migration 0009_console_search: indexes for the console's search-as-you-type as a store sees it.
// A store manager's phone or name prefix is a range inside one store: with (merchant_id, store_id,
// phone) and (merchant_id, store_id, name_lower) that is one index range, instead of walking the
// merchant-wide prefix range until 20 members of the store turn up (about 100 rows per hit with 100
// stores). Measured by bench/member-search.ts.
import type { Kysely, Migration } from 'kysely';

export const consoleSearchMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.createIndex('members_store_phone_ix').on('members').columns(['merchant_id', 'store_id', 'phone']).execute();
    await db.schema.createIndex('members_store_name_ix').on('members').columns(['merchant_id', 'store_id', 'name_lower']).execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('members_store_name_ix').execute();
    await db.schema.dropIndex('members_store_phone_ix').execute();
  },
};
