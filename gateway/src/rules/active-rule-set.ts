// The merchant's latest published rule set, as the gateway's services read it (stored as the engine
// parsed it at publish time); null before the first publish. The one reader of "what rules apply now".
import type { RuleSet } from '@pos/engine';
import type { Kysely } from 'kysely';
import type { GatewayDatabase } from '../db/schema.js';

export interface ActiveRuleSet {
  version: number;
  rules: RuleSet;
}

/** Takes any view of the database (a transaction, a module's typed view). */
export async function activeRuleSet<DB extends GatewayDatabase>(db: Kysely<DB>, merchantId: string): Promise<ActiveRuleSet | null> {
  const row = await (db as unknown as Kysely<GatewayDatabase>)
    .selectFrom('rule_set_versions')
    .select(['version', 'content'])
    .where('merchant_id', '=', merchantId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? { version: Number(row.version), rules: JSON.parse(row.content) as RuleSet } : null;
}

export async function activeRules<DB extends GatewayDatabase>(db: Kysely<DB>, merchantId: string): Promise<RuleSet | null> {
  return (await activeRuleSet(db, merchantId))?.rules ?? null;
}
