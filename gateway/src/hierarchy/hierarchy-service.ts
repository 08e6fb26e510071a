// Merchant → regions → stores → terminals, and the staff who work at each node. Every read goes
// through the actor's scope (404 outside it); every write is audited.
import { newId } from '@pos/protocol';
import { writeAudit } from '../audit/audit-log.js';
import { MANAGEABLE_ROLES, assertRegionVisible, assertStoreVisible, require, storesInScope } from '../auth/permissions.js';
import { hashPassword } from '../auth/password.js';
import type { Actor, Clock, Role } from '../context.js';
import { inTransaction, isUniqueViolation, type GatewayDb } from '../db/database.js';
import { GatewayError, forbidden, notFound } from '../errors.js';
import { toPage, type Page, type PageQuery } from '../pagination.js';

export interface Merchant { id: string; code: string; name: string; createdAt: number }
export interface Region { id: string; name: string; createdAt: number }
export interface Store { id: string; regionId: string; code: string; name: string; address: string; createdAt: number }
export interface Terminal { id: string; storeId: string; name: string; status: string; createdAt: number }
export interface Staff { id: string; username: string; displayName: string; role: Role; regionId: string | null; storeId: string | null; createdAt: number }

export class HierarchyService {
  constructor(
    private readonly gdb: GatewayDb,
    private readonly clock: Clock,
  ) {}

  private get db() {
    return this.gdb.db;
  }

  /** Creates a tenant. Not exposed to merchants' staff: run by the operator (seed, CLI). */
  async createMerchant(input: { code: string; name: string }): Promise<Merchant> {
    const now = this.clock.nowMs();
    const id = newId(now);
    try {
      await this.db.insertInto('merchants').values({ merchant_id: id, id, code: input.code, name: input.name, created_at: now }).execute();
    } catch (error) {
      if (isUniqueViolation(error)) throw new GatewayError('CONFLICT', '商户代码已存在 / merchant code taken', 'code');
      throw error;
    }
    return { id, code: input.code, name: input.name, createdAt: now };
  }

  async getMerchant(actor: Actor, merchantId: string): Promise<Merchant> {
    require(actor, 'merchant.read');
    if (merchantId !== actor.merchantId) throw notFound('merchant');
    const m = await this.db.selectFrom('merchants').selectAll().where('merchant_id', '=', merchantId).where('id', '=', merchantId).executeTakeFirst();
    if (!m) throw notFound('merchant');
    return { id: m.id, code: m.code, name: m.name, createdAt: Number(m.created_at) };
  }

  async updateMerchant(actor: Actor, merchantId: string, patch: { name: string }): Promise<Merchant> {
    require(actor, 'merchant.write');
    const before = await this.getMerchant(actor, merchantId);
    await inTransaction(this.gdb, async (trx) => {
      await trx.updateTable('merchants').set({ name: patch.name }).where('merchant_id', '=', merchantId).where('id', '=', merchantId).execute();
      await writeAudit(trx, actor, this.clock.nowMs(), { action: 'merchant.update', entityType: 'merchant', entityId: merchantId, before, after: { ...before, ...patch } });
    });
    return { ...before, ...patch };
  }

  async createRegion(actor: Actor, input: { name: string }): Promise<Region> {
    require(actor, 'region.write');
    const now = this.clock.nowMs();
    const region = { id: newId(now), name: input.name, createdAt: now };
    await inTransaction(this.gdb, async (trx) => {
      await trx.insertInto('regions').values({ merchant_id: actor.merchantId, id: region.id, name: region.name, created_at: now }).execute();
      await writeAudit(trx, actor, now, { action: 'region.create', entityType: 'region', entityId: region.id, after: region });
    });
    return region;
  }

  async listRegions(actor: Actor, page: PageQuery): Promise<Page<Region>> {
    require(actor, 'region.read');
    let q = this.db.selectFrom('regions').selectAll().where('merchant_id', '=', actor.merchantId);
    if (actor.role === 'region_manager') q = q.where('id', '=', actor.regionId ?? '');
    if (page.cursor) q = q.where('id', '>', page.cursor);
    const rows = await q.orderBy('id').limit(page.limit + 1).execute();
    return toPage(rows, page.limit, (r) => ({ id: r.id, name: r.name, createdAt: Number(r.created_at) }));
  }

  async getRegion(actor: Actor, regionId: string): Promise<Region> {
    require(actor, 'region.read');
    assertRegionVisible(actor, regionId);
    const r = await this.db.selectFrom('regions').selectAll().where('merchant_id', '=', actor.merchantId).where('id', '=', regionId).executeTakeFirst();
    if (!r) throw notFound('region');
    return { id: r.id, name: r.name, createdAt: Number(r.created_at) };
  }

  async createStore(actor: Actor, input: { regionId: string; code: string; name: string; address?: string | undefined }): Promise<Store> {
    require(actor, 'store.write');
    await this.getRegion(actor, input.regionId).catch((e: unknown) => {
      throw e instanceof GatewayError && e.code === 'NOT_FOUND' ? new GatewayError('NOT_FOUND', '区域不存在 / region not found', 'regionId') : e;
    });
    const now = this.clock.nowMs();
    const store: Store = { id: newId(now), regionId: input.regionId, code: input.code, name: input.name, address: input.address ?? '', createdAt: now };
    try {
      await inTransaction(this.gdb, async (trx) => {
        await trx
          .insertInto('stores')
          .values({ merchant_id: actor.merchantId, id: store.id, region_id: store.regionId, code: store.code, name: store.name, address: store.address, created_at: now })
          .execute();
        await writeAudit(trx, actor, now, { action: 'store.create', entityType: 'store', entityId: store.id, after: store });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new GatewayError('CONFLICT', '门店代码已存在 / store code taken', 'code');
      throw error;
    }
    return store;
  }

  async listStores(actor: Actor, page: PageQuery): Promise<Page<Store>> {
    require(actor, 'store.read');
    const scope = await storesInScope(this.db, actor);
    let q = this.db.selectFrom('stores').selectAll().where('merchant_id', '=', actor.merchantId);
    if (scope !== 'all') q = q.where('id', 'in', scope.length ? scope : ['-']);
    if (page.cursor) q = q.where('id', '>', page.cursor);
    const rows = await q.orderBy('id').limit(page.limit + 1).execute();
    return toPage(rows, page.limit, toStore);
  }

  async getStore(actor: Actor, storeId: string): Promise<Store> {
    require(actor, 'store.read');
    await assertStoreVisible(this.db, actor, storeId);
    const r = await this.db.selectFrom('stores').selectAll().where('merchant_id', '=', actor.merchantId).where('id', '=', storeId).executeTakeFirstOrThrow();
    return toStore(r);
  }

  async createTerminal(actor: Actor, input: { storeId: string; name: string }): Promise<Terminal> {
    require(actor, 'terminal.write');
    await assertStoreVisible(this.db, actor, input.storeId);
    const now = this.clock.nowMs();
    const terminal: Terminal = { id: newId(now), storeId: input.storeId, name: input.name, status: 'active', createdAt: now };
    await inTransaction(this.gdb, async (trx) => {
      await trx
        .insertInto('terminals')
        .values({ merchant_id: actor.merchantId, id: terminal.id, store_id: terminal.storeId, name: terminal.name, status: terminal.status, created_at: now })
        .execute();
      await writeAudit(trx, actor, now, { action: 'terminal.create', entityType: 'terminal', entityId: terminal.id, after: terminal });
    });
    return terminal;
  }

  async listTerminals(actor: Actor, page: PageQuery): Promise<Page<Terminal>> {
    require(actor, 'terminal.read');
    const scope = await storesInScope(this.db, actor);
    let q = this.db.selectFrom('terminals').selectAll().where('merchant_id', '=', actor.merchantId);
    if (scope !== 'all') q = q.where('store_id', 'in', scope.length ? scope : ['-']);
    if (page.cursor) q = q.where('id', '>', page.cursor);
    const rows = await q.orderBy('id').limit(page.limit + 1).execute();
    return toPage(rows, page.limit, toTerminal);
  }

  async getTerminal(actor: Actor, terminalId: string): Promise<Terminal> {
    require(actor, 'terminal.read');
    const r = await this.db.selectFrom('terminals').selectAll().where('merchant_id', '=', actor.merchantId).where('id', '=', terminalId).executeTakeFirst();
    if (!r) throw notFound('terminal');
    await assertStoreVisible(this.db, actor, r.store_id, 'terminal');
    return toTerminal(r);
  }

  async createStaff(
    actor: Actor,
    input: { username: string; displayName: string; password: string; role: Role; regionId?: string | null | undefined; storeId?: string | null | undefined },
  ): Promise<Staff> {
    require(actor, 'staff.write');
    if (actor.role !== null && !MANAGEABLE_ROLES[actor.role].includes(input.role)) throw forbidden();
    let regionId: string | null = null;
    let storeId: string | null = null;
    if (input.role === 'region_manager') {
      if (!input.regionId) throw new GatewayError('VALIDATION', '区域经理需要区域 / a region manager needs regionId', 'regionId');
      await this.getRegion(actor, input.regionId);
      regionId = input.regionId;
    } else if (input.role === 'store_manager' || input.role === 'cashier') {
      if (!input.storeId) throw new GatewayError('VALIDATION', '门店员工需要门店 / store staff need storeId', 'storeId');
      await assertStoreVisible(this.db, actor, input.storeId);
      storeId = input.storeId;
    }
    const now = this.clock.nowMs();
    const staff: Staff = { id: newId(now), username: input.username, displayName: input.displayName, role: input.role, regionId, storeId, createdAt: now };
    const passwordHash = await hashPassword(input.password);
    try {
      await inTransaction(this.gdb, async (trx) => {
        await trx
          .insertInto('staff')
          .values({
            merchant_id: actor.merchantId,
            id: staff.id,
            username: staff.username,
            display_name: staff.displayName,
            password_hash: passwordHash,
            role: staff.role,
            region_id: regionId,
            store_id: storeId,
            failed_logins: 0,
            locked_until: null,
            disabled: 0,
            created_at: now,
          })
          .execute();
        await writeAudit(trx, actor, now, { action: 'staff.create', entityType: 'staff', entityId: staff.id, after: staff });
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new GatewayError('CONFLICT', '用户名已存在 / username taken', 'username');
      throw error;
    }
    return staff;
  }

  async listStaff(actor: Actor, page: PageQuery): Promise<Page<Staff>> {
    require(actor, 'staff.read');
    const scope = await storesInScope(this.db, actor);
    let q = this.db.selectFrom('staff').selectAll().where('merchant_id', '=', actor.merchantId);
    if (scope !== 'all') q = q.where('store_id', 'in', scope.length ? scope : ['-']);
    if (page.cursor) q = q.where('id', '>', page.cursor);
    const rows = await q.orderBy('id').limit(page.limit + 1).execute();
    return toPage(rows, page.limit, toStaff);
  }

  async getStaff(actor: Actor, staffId: string): Promise<Staff> {
    require(actor, 'staff.read');
    const r = await this.db.selectFrom('staff').selectAll().where('merchant_id', '=', actor.merchantId).where('id', '=', staffId).executeTakeFirst();
    if (!r) throw notFound('staff');
    const scope = await storesInScope(this.db, actor);
    if (scope !== 'all' && (r.store_id === null || !scope.includes(r.store_id))) throw notFound('staff');
    return toStaff(r);
  }
}

function toStore(r: { id: string; region_id: string; code: string; name: string; address: string; created_at: number }): Store {
  return { id: r.id, regionId: r.region_id, code: r.code, name: r.name, address: r.address, createdAt: Number(r.created_at) };
}
function toTerminal(r: { id: string; store_id: string; name: string; status: string; created_at: number }): Terminal {
  return { id: r.id, storeId: r.store_id, name: r.name, status: r.status, createdAt: Number(r.created_at) };
}
function toStaff(r: { id: string; username: string; display_name: string; role: string; region_id: string | null; store_id: string | null; created_at: number }): Staff {
  return { id: r.id, username: r.username, displayName: r.display_name, role: r.role as Role, regionId: r.region_id, storeId: r.store_id, createdAt: Number(r.created_at) };
}
