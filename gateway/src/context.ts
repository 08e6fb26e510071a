// Who is acting (for scoping and the audit log) and the injected clock.
export type Role = 'hq_admin' | 'region_manager' | 'store_manager' | 'cashier';
export const ROLES: readonly Role[] = ['hq_admin', 'region_manager', 'store_manager', 'cashier'];

export interface Actor {
  merchantId: string;
  /** null for system work (seeding, sync, expiry jobs). */
  staffId: string | null;
  role: Role | null;
  regionId: string | null;
  storeId: string | null;
}

export interface Clock {
  nowMs(): number;
}
export const systemClock: Clock = { nowMs: () => Date.now() };

export function systemActor(merchantId: string, storeId: string | null = null): Actor {
  return { merchantId, staffId: null, role: null, regionId: null, storeId };
}
