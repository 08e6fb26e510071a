// The merchant's latest published rule set, as reports need it (tier names, the points-to-cash rate);
// null before the first publish.
import type { RuleSet } from '@pos/engine';
import type { GatewayDb } from '../db/database.js';

export async function activeRules(gdb: GatewayDb, merchantId: string): Promise<RuleSet | null> {
  const r = await gdb.db
    .selectFrom('rule_set_versions')
    .select('content')
    .where('merchant_id', '=', merchantId)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  // Stored as the engine parsed it at publish time.
  return r ? (JSON.parse(r.content) as RuleSet) : null;
}
