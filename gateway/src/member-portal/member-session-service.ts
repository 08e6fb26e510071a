// Member page sessions: a random 32-byte token per login, stored as SHA-256, naming one member of
// one merchant. Separate from staff sessions: a member token opens only /m/api/*.
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../context.js';
import type { GatewayDb } from '../db/database.js';
import { GatewayError } from '../errors.js';
import { portalDb } from './member-portal-tables.js';

export const MEMBER_SESSION_TTL_MS = 30 * 24 * 3_600_000;

export interface MemberSession {
  merchantId: string;
  memberId: string;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');
const unauthenticated = () => new GatewayError('UNAUTHENTICATED', '请先登录 / please log in');

export class MemberSessionService {
  constructor(
    private readonly gdb: GatewayDb,
    private readonly clock: Clock,
  ) {}

  async create(merchantId: string, memberId: string): Promise<{ token: string; expiresAt: number }> {
    const token = randomBytes(32).toString('base64url');
    const now = this.clock.nowMs();
    const expiresAt = now + MEMBER_SESSION_TTL_MS;
    await portalDb(this.gdb).insertInto('member_sessions').values({ merchant_id: merchantId, token_hash: hashToken(token), member_id: memberId, expires_at: expiresAt, created_at: now }).execute();
    return { token, expiresAt };
  }

  async authenticate(token: string): Promise<MemberSession> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw unauthenticated();
    const row = await portalDb(this.gdb).selectFrom('member_sessions').select(['merchant_id', 'member_id', 'expires_at']).where('token_hash', '=', hashToken(token)).executeTakeFirst();
    if (!row || Number(row.expires_at) <= this.clock.nowMs()) throw unauthenticated();
    return { merchantId: row.merchant_id, memberId: row.member_id };
  }

  async end(token: string): Promise<void> {
    await portalDb(this.gdb).deleteFrom('member_sessions').where('token_hash', '=', hashToken(token)).execute();
  }
}
