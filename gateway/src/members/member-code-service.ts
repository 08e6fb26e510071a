// The secret behind a member's dynamic QR code (protocol/src/member-code.ts): issued once per
// member on first use and sent to terminals in the member record, which verify codes offline.
import { newMemberCodeSecret } from '@pos/protocol';
import type { Clock } from '../context.js';
import type { GatewayDb } from '../db/database.js';
import { inTransaction } from '../db/database.js';
import { notFound } from '../errors.js';
import { syncDb } from '../sync/sync-tables.js';

export class MemberCodeService {
  constructor(
    private readonly gdb: GatewayDb,
    private readonly clock: Clock,
  ) {}

  /** The member's code secret, issuing it (and marking the member changed for terminals) the first time. */
  async secretFor(merchantId: string, memberId: string): Promise<string> {
    return inTransaction(this.gdb, async (trx) => {
      const db = trx as unknown as ReturnType<typeof syncDb>;
      const row = await db.selectFrom('members').select(['code_secret']).where('merchant_id', '=', merchantId).where('id', '=', memberId).executeTakeFirst();
      if (!row) throw notFound('member');
      if (row.code_secret) return row.code_secret;
      const secret = newMemberCodeSecret();
      await db
        .updateTable('members')
        .set({ code_secret: secret, updated_at: this.clock.nowMs() })
        .where('merchant_id', '=', merchantId)
        .where('id', '=', memberId)
        .execute();
      return secret;
    });
  }
}
