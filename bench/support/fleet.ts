// A merchant with N members (one funded card each) and N enrolled terminals spread over its three
// stores, seeded through the gateway's own services: what the ingest and catch-up benchmarks and
// the chaos runs start from. Terminal i sells to member i, so per-card balances can be checked.
import { systemClock } from '../../gateway/src/context.js';
import type { GatewayDb } from '../../gateway/src/db/database.js';
import { createServices, type Services } from '../../gateway/src/services.js';
import { TerminalKeyService } from '../../gateway/src/sync/terminal-keys.js';
import { memberWithCard, seedMerchant, type MerchantFixture } from '../../test/gateway/fixtures.js';
import pino from 'pino';

export interface FleetTerminal {
  terminalId: string;
  secret: string;
  storeId: string;
  memberId: string;
  cardNo: string;
}

export interface Fleet {
  services: Services;
  merchant: MerchantFixture;
  terminals: FleetTerminal[];
}

export const fleetCardNo = (i: number) => `8801${String(i).padStart(12, '0')}`;

export async function seedFleet(gdb: GatewayDb, options: { code: string; terminals: number; rechargeFen: number }): Promise<Fleet> {
  const services = createServices(gdb, systemClock, pino({ level: 'silent' }));
  const merchant = await seedMerchant(services, options.code);
  const keys = new TerminalKeyService(gdb, systemClock);
  const stores = [merchant.storeA1, merchant.storeA2, merchant.storeB1];
  const terminals: FleetTerminal[] = [];
  for (let i = 0; i < options.terminals; i += 1) {
    const storeId = stores[i % stores.length]!;
    const cardNo = fleetCardNo(i);
    const { member } = await memberWithCard(services, merchant, { phone: `1380${String(i).padStart(7, '0')}`, cardNo, storeId, name: `会员${i}` });
    await services.ledger.rechargeExplicit(merchant.system, { idempotencyKey: `fleet-recharge-${i}`, cardNo, principalFen: options.rechargeFen, bonusFen: 0 });
    const terminal = await services.hierarchy.createTerminal(merchant.system, { storeId, name: `till-${i}` });
    const { code } = await keys.issueEnrolmentCode(merchant.merchantId, terminal.id, null);
    const enrolment = await keys.redeem(code);
    terminals.push({ terminalId: enrolment.terminalId, secret: enrolment.secret, storeId, memberId: member.id, cardNo });
  }
  return { services, merchant, terminals };
}
