// What each role may do, and which part of the hierarchy it sees. Scope is checked by loading the
// target through the actor's scope: a row outside it is "not found" (404), so nothing leaks; an
// action the role may never take is "forbidden" (403).
import type { Kysely } from 'kysely';
import type { Actor, Role } from '../context.js';
import type { GatewayDatabase } from '../db/schema.js';
import { forbidden, notFound } from '../errors.js';

export type Action =
  | 'merchant.read'
  | 'merchant.write'
  | 'region.read'
  | 'region.write'
  | 'store.read'
  | 'store.write'
  | 'terminal.read'
  | 'terminal.write'
  | 'staff.read'
  | 'staff.write'
  | 'member.read'
  | 'member.write'
  | 'card.issue'
  | 'card.status'
  | 'card.replace'
  | 'card.cancel'
  | 'cardType.read'
  | 'cardType.write'
  | 'stored-value.recharge'
  | 'stored-value.spend'
  | 'stored-value.adjust'
  | 'points.write'
  | 'ruleSet.read'
  | 'ruleSet.write'
  | 'import'
  | 'export'
  | 'audit.read'
  | 'memberAttributes.write'
  | 'marketing.read'
  | 'marketing.write'
  /** Full phone numbers in exports (everyone else gets 138****5678). */
  | 'member.pii';

const STORE_STAFF: Action[] = [
  'store.read',
  'terminal.read',
  'member.read',
  'member.write',
  'card.issue',
  'card.status',
  'cardType.read',
  'stored-value.recharge',
  'stored-value.spend',
  'ruleSet.read',
];
const STORE_MANAGER: Action[] = [
  ...STORE_STAFF,
  'terminal.write',
  'staff.read',
  'staff.write',
  'card.replace',
  'card.cancel',
  'stored-value.adjust',
  'points.write',
  'import',
  'export',
  // Coupon campaigns reaching the members of the manager's own store (region, for a region manager).
  'marketing.read',
  'marketing.write',
];
const REGION_MANAGER: Action[] = [...STORE_MANAGER, 'region.read', 'store.write'];

const ALLOWED: Record<Role, ReadonlySet<Action>> = {
  hq_admin: new Set<Action>([
    ...REGION_MANAGER,
    'merchant.read',
    'merchant.write',
    'region.write',
    'cardType.write',
    'ruleSet.write',
    'audit.read',
    'memberAttributes.write',
    'member.pii',
  ]),
  region_manager: new Set(REGION_MANAGER),
  store_manager: new Set(STORE_MANAGER),
  cashier: new Set(STORE_STAFF),
};

/** Roles a role may create or manage, always below itself. */
export const MANAGEABLE_ROLES: Record<Role, readonly Role[]> = {
  hq_admin: ['hq_admin', 'region_manager', 'store_manager', 'cashier'],
  region_manager: ['store_manager', 'cashier'],
  store_manager: ['cashier'],
  cashier: [],
};

export function can(actor: Actor, action: Action): boolean {
  return actor.role === null || ALLOWED[actor.role].has(action);
}

/** Every action the actor's role may take (the console shows only these). */
export function allowedActions(actor: Actor): Action[] {
  return [...(actor.role === null ? ALLOWED.hq_admin : ALLOWED[actor.role])].sort();
}

export function require(actor: Actor, action: Action): void {
  if (!can(actor, action)) throw forbidden();
}

/** The store ids the actor sees, or 'all' for HQ and system work. */
export async function storesInScope(db: Kysely<GatewayDatabase>, actor: Actor): Promise<'all' | string[]> {
  if (actor.role === null || actor.role === 'hq_admin') return 'all';
  if (actor.role === 'region_manager') {
    if (actor.regionId === null) return [];
    const rows = await db
      .selectFrom('stores')
      .select('id')
      .where('merchant_id', '=', actor.merchantId)
      .where('region_id', '=', actor.regionId)
      .execute();
    return rows.map((r) => r.id);
  }
  return actor.storeId === null ? [] : [actor.storeId];
}

/** Throws NOT_FOUND unless the store exists in the actor's merchant and scope. */
export async function assertStoreVisible(db: Kysely<GatewayDatabase>, actor: Actor, storeId: string, what = 'store'): Promise<void> {
  const store = await db
    .selectFrom('stores')
    .select(['id', 'region_id'])
    .where('merchant_id', '=', actor.merchantId)
    .where('id', '=', storeId)
    .executeTakeFirst();
  if (!store) throw notFound(what);
  const scope = await storesInScope(db, actor);
  if (scope !== 'all' && !scope.includes(storeId)) throw notFound(what);
}

export function assertRegionVisible(actor: Actor, regionId: string): void {
  if (actor.role === 'region_manager' && actor.regionId !== regionId) throw notFound('region');
  if (actor.role === 'store_manager' || actor.role === 'cashier') throw notFound('region');
}
