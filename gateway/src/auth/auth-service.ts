// Staff login and bearer tokens. A token is `<merchantId>.<sessionId>.<secret>`: the merchant id
// keeps the lookup on one tenant (one shard), only the secret's SHA-256 is stored, and it expires.
// Five failed logins in a row lock the account for 15 minutes.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Logger } from 'pino';
import { newId } from '@pos/protocol';
import type { Actor, Clock, Role } from '../context.js';
import type { GatewayDb } from '../db/database.js';
import { GatewayError } from '../errors.js';
import { verifyPassword } from './password.js';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MS = 15 * 60_000;
export const TOKEN_TTL_MS = 8 * 60 * 60_000;

const badLogin = () => new GatewayError('UNAUTHENTICATED', '用户名或密码错误 / wrong merchant, username or password');
const badToken = () => new GatewayError('UNAUTHENTICATED', '登录已失效 / missing, invalid or expired token');

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

export interface LoginResult {
  token: string;
  expiresAt: number;
  staff: { id: string; username: string; displayName: string; role: Role; merchantId: string; regionId: string | null; storeId: string | null };
}

export class AuthService {
  constructor(
    private readonly gdb: GatewayDb,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async login(merchantCode: string, username: string, password: string): Promise<LoginResult> {
    const db = this.gdb.db;
    const merchant = await db.selectFrom('merchants').select('id').where('code', '=', merchantCode).executeTakeFirst();
    if (!merchant) throw badLogin();
    const staff = await db
      .selectFrom('staff')
      .selectAll()
      .where('merchant_id', '=', merchant.id)
      .where('username', '=', username)
      .executeTakeFirst();
    if (!staff || staff.disabled === 1) throw badLogin();
    const now = this.clock.nowMs();
    if (staff.locked_until !== null && Number(staff.locked_until) > now) {
      throw new GatewayError('ACCOUNT_LOCKED', '登录失败次数过多，账户已暂时锁定 / too many failed logins; try again later');
    }
    if (!(await verifyPassword(password, staff.password_hash))) {
      const failures = Number(staff.failed_logins) + 1;
      const locked = failures >= MAX_FAILED_LOGINS;
      await db
        .updateTable('staff')
        .set({ failed_logins: locked ? 0 : failures, locked_until: locked ? now + LOCKOUT_MS : null })
        .where('merchant_id', '=', merchant.id)
        .where('id', '=', staff.id)
        .execute();
      this.log.warn({ merchantId: merchant.id, staffId: staff.id, failures, locked }, 'login failed');
      if (locked) throw new GatewayError('ACCOUNT_LOCKED', '登录失败次数过多，账户已暂时锁定 / too many failed logins; try again later');
      throw badLogin();
    }
    await db
      .updateTable('staff')
      .set({ failed_logins: 0, locked_until: null })
      .where('merchant_id', '=', merchant.id)
      .where('id', '=', staff.id)
      .execute();
    const sessionId = newId(now);
    const secret = randomBytes(32).toString('base64url');
    const expiresAt = now + TOKEN_TTL_MS;
    await db
      .insertInto('sessions')
      .values({ merchant_id: merchant.id, id: sessionId, staff_id: staff.id, token_hash: sha256(secret), expires_at: expiresAt, created_at: now })
      .execute();
    this.log.info({ merchantId: merchant.id, staffId: staff.id }, 'login');
    return {
      token: `${merchant.id}.${sessionId}.${secret}`,
      expiresAt,
      staff: {
        id: staff.id,
        username: staff.username,
        displayName: staff.display_name,
        role: staff.role as Role,
        merchantId: merchant.id,
        regionId: staff.region_id,
        storeId: staff.store_id,
      },
    };
  }

  /** The actor behind a bearer token, or UNAUTHENTICATED. */
  async authenticate(token: string): Promise<Actor> {
    const parts = token.split('.');
    if (parts.length !== 3 || token.length > 200) throw badToken();
    const [merchantId, sessionId, secret] = parts as [string, string, string];
    const db = this.gdb.db;
    const session = await db
      .selectFrom('sessions')
      .innerJoin('staff', (j) => j.onRef('staff.merchant_id', '=', 'sessions.merchant_id').onRef('staff.id', '=', 'sessions.staff_id'))
      .select(['sessions.token_hash', 'sessions.expires_at', 'staff.id', 'staff.role', 'staff.region_id', 'staff.store_id', 'staff.disabled'])
      .where('sessions.merchant_id', '=', merchantId)
      .where('sessions.id', '=', sessionId)
      .executeTakeFirst();
    if (!session || session.disabled === 1 || Number(session.expires_at) <= this.clock.nowMs()) throw badToken();
    const expected = Buffer.from(session.token_hash, 'hex');
    const given = Buffer.from(sha256(secret), 'hex');
    if (!timingSafeEqual(expected, given)) throw badToken();
    return { merchantId, staffId: session.id, role: session.role as Role, regionId: session.region_id, storeId: session.store_id };
  }

  async logout(actor: Actor, token: string): Promise<void> {
    const sessionId = token.split('.')[1] ?? '';
    await this.gdb.db.deleteFrom('sessions').where('merchant_id', '=', actor.merchantId).where('id', '=', sessionId).execute();
  }
}
