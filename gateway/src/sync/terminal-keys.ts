// Terminal enrolment and keys: HQ registers a terminal and gets a one-time code; the terminal
// redeems it for its id and signing secret; HQ can revoke the key, after which every frame of
// that terminal is refused and its socket closed.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { Clock } from '../context.js';
import type { GatewayDb } from '../db/database.js';
import { GatewayError } from '../errors.js';
import { syncDb } from './sync-tables.js';

/** How long an enrolment code may be redeemed. */
export const ENROLMENT_CODE_TTL_MS = 24 * 60 * 60 * 1000;
const CODE_DIGITS = 10;

export interface TerminalKey {
  merchantId: string;
  storeId: string;
  terminalId: string;
  secret: string;
  revoked: boolean;
  lastSeq: number;
}

export interface Enrolment {
  terminalId: string;
  merchantId: string;
  storeId: string;
  secret: string;
}

function hashCode(code: string): string {
  return createHash('sha256').update(code, 'utf8').digest('hex');
}

export class TerminalKeyService {
  private readonly revocations = new EventEmitter();

  constructor(
    private readonly gdb: GatewayDb,
    private readonly clock: Clock,
  ) {}

  /** A new one-time enrolment code for a terminal already registered in the hierarchy. */
  async issueEnrolmentCode(merchantId: string, terminalId: string, staffId: string | null): Promise<{ code: string; expiresAt: number }> {
    const db = syncDb(this.gdb);
    const terminal = await db
      .selectFrom('terminals')
      .select(['id', 'store_id'])
      .where('merchant_id', '=', merchantId)
      .where('id', '=', terminalId)
      .executeTakeFirst();
    if (!terminal) throw new GatewayError('NOT_FOUND', '终端不存在 / terminal not found', 'terminalId');
    const code = String(randomInt(0, 10 ** CODE_DIGITS)).padStart(CODE_DIGITS, '0');
    const now = this.clock.nowMs();
    const expiresAt = now + ENROLMENT_CODE_TTL_MS;
    await db
      .insertInto('enrolment_codes')
      .values({
        merchant_id: merchantId,
        code_hash: hashCode(code),
        terminal_id: terminalId,
        store_id: terminal.store_id,
        created_by: staffId,
        expires_at: expiresAt,
        used_at: null,
        created_at: now,
      })
      .execute();
    return { code, expiresAt };
  }

  /** Redeems a code once: the terminal gets its id and a fresh secret; an earlier key of it is replaced. */
  async redeem(code: string): Promise<Enrolment> {
    const db = syncDb(this.gdb);
    const now = this.clock.nowMs();
    return db.transaction().execute(async (trx) => {
      const row = await trx.selectFrom('enrolment_codes').selectAll().where('code_hash', '=', hashCode(code)).executeTakeFirst();
      // One message for unknown, used and expired codes: the answer must not help guessing.
      if (!row || row.used_at !== null || Number(row.expires_at) <= now) {
        throw new GatewayError('NOT_FOUND', '注册码无效或已过期 / enrolment code is invalid, used or expired', 'code');
      }
      const claimed = await trx
        .updateTable('enrolment_codes')
        .set({ used_at: now })
        .where('merchant_id', '=', row.merchant_id)
        .where('code_hash', '=', row.code_hash)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      if (Number(claimed.numUpdatedRows) !== 1) {
        throw new GatewayError('NOT_FOUND', '注册码无效或已过期 / enrolment code is invalid, used or expired', 'code');
      }
      const secret = randomBytes(32).toString('base64url');
      await trx.deleteFrom('terminal_keys').where('terminal_id', '=', row.terminal_id).execute();
      await trx
        .insertInto('terminal_keys')
        .values({
          merchant_id: row.merchant_id,
          terminal_id: row.terminal_id,
          store_id: row.store_id,
          secret,
          status: 'active',
          last_seq: 0,
          enrolled_at: now,
          revoked_at: null,
          last_seen_at: null,
          software_version: null,
          rule_set_version: null,
          pending_events: null,
        })
        .execute();
      return { terminalId: row.terminal_id, merchantId: row.merchant_id, storeId: row.store_id, secret };
    });
  }

  async revoke(merchantId: string, terminalId: string): Promise<void> {
    const result = await syncDb(this.gdb)
      .updateTable('terminal_keys')
      .set({ status: 'revoked', revoked_at: this.clock.nowMs() })
      .where('merchant_id', '=', merchantId)
      .where('terminal_id', '=', terminalId)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new GatewayError('NOT_FOUND', '终端未注册 / terminal is not enrolled', 'terminalId');
    this.revocations.emit('revoked', terminalId);
  }

  /** Called with the terminal id after each revocation made through this instance. */
  onRevoked(listener: (terminalId: string) => void): () => void {
    this.revocations.on('revoked', listener);
    return () => this.revocations.off('revoked', listener);
  }

  async keyOf(terminalId: string): Promise<TerminalKey | null> {
    const row = await syncDb(this.gdb).selectFrom('terminal_keys').selectAll().where('terminal_id', '=', terminalId).executeTakeFirst();
    if (!row) return null;
    return {
      merchantId: row.merchant_id,
      storeId: row.store_id,
      terminalId: row.terminal_id,
      secret: row.secret,
      revoked: row.status === 'revoked',
      lastSeq: Number(row.last_seq),
    };
  }

  /** What a terminal's ping says it runs now (rule-set version, outbox size). */
  async recordStatus(terminalId: string, status: { ruleSetVersion?: number | null | undefined; pendingEvents?: number | undefined }): Promise<void> {
    await syncDb(this.gdb)
      .updateTable('terminal_keys')
      .set({
        last_seen_at: this.clock.nowMs(),
        ...(status.ruleSetVersion !== undefined ? { rule_set_version: status.ruleSetVersion } : {}),
        ...(status.pendingEvents !== undefined ? { pending_events: status.pendingEvents } : {}),
      })
      .where('terminal_id', '=', terminalId)
      .execute();
  }

  /** Records the highest accepted seq (never lowers it) and what the terminal said in hello. */
  async recordSeen(
    terminalId: string,
    lastSeq: number,
    hello?: { softwareVersion: string; ruleSetVersion: number | null; pendingEvents: number },
  ): Promise<void> {
    const db = syncDb(this.gdb);
    await db
      .updateTable('terminal_keys')
      .set((eb) => ({
        // CASE rather than max()/greatest(): the same SQL on SQLite and PostgreSQL.
        last_seq: eb.case().when('last_seq', '<', lastSeq).then(lastSeq).else(eb.ref('last_seq')).end(),
        last_seen_at: this.clock.nowMs(),
        ...(hello
          ? { software_version: hello.softwareVersion, rule_set_version: hello.ruleSetVersion, pending_events: hello.pendingEvents }
          : {}),
      }))
      .where('terminal_id', '=', terminalId)
      .execute();
  }
}
