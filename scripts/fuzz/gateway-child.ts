// The gateway under fuzz, in its own process so a crash shows as an exit: embedded SQLite in a
// temporary directory, one merchant with a member and a funded card, N enrolled terminals and one
// revoked one. Prints one JSON line (the fixture) on stdout and runs until SIGTERM or stdin closes.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { startGateway } from '../../gateway/src/index.js';
import { memberWithCard, seedMerchant } from '../../test/gateway/fixtures.js';

export interface GatewayFixture {
  url: string;
  dbPath: string;
  logPath: string;
  merchantId: string;
  storeId: string;
  memberId: string;
  cardNo: string;
  terminals: { terminalId: string; secret: string }[];
  revoked: { terminalId: string; secret: string };
  /** An HQ login of the merchant, for the HTTP targets. */
  login: { merchantCode: string; username: string; password: string };
}

const terminalCount = Math.max(1, Math.min(32, Number(process.argv[2] ?? 4)));
const dir = process.argv[3] ?? mkdtempSync(join(tmpdir(), 'pos-fuzz-gw-'));
const dbPath = join(dir, 'gateway.db');
const logPath = join(dir, 'gateway.log');
// warn and above: every refused frame is one line, so the file says what the gateway saw.
const logger = pino({ level: 'warn' }, pino.destination({ dest: logPath, sync: false }));
// No job schedule: its runs write rows of their own, and the fuzzer counts rows.
const gw = await startGateway({ databaseUrl: dbPath, port: 0, logger, jobs: { schedule: false } });
const s = gw.services;
const merchant = await seedMerchant(s, 'FUZZ');
const cardNo = '8800000000000001';
const { member } = await memberWithCard(s, merchant, { phone: '13812345678', cardNo });
await s.ledger.recharge(merchant.system, { idempotencyKey: 'fuzz-seed', cardNo, paidFen: 10_000_000 });
const enrol = async (name: string) => {
  const terminal = await s.hierarchy.createTerminal(merchant.system, { storeId: merchant.storeA1, name });
  const { code } = await gw.sync.keys.issueEnrolmentCode(merchant.merchantId, terminal.id, null);
  const e = await gw.sync.keys.redeem(code);
  return { terminalId: e.terminalId, secret: e.secret };
};
const terminals = [];
for (let i = 0; i < terminalCount; i += 1) terminals.push(await enrol(`fuzz-${i}`));
const revoked = await enrol('fuzz-revoked');
await gw.sync.keys.revoke(merchant.merchantId, revoked.terminalId);
const login = { merchantCode: 'FUZZ', username: 'fuzz-hq', password: 'fuzz password 1' };
await s.hierarchy.createStaff(merchant.system, { username: login.username, displayName: 'Fuzz HQ', password: login.password, role: 'hq_admin' });

const fixture: GatewayFixture = { url: gw.url, dbPath, logPath, merchantId: merchant.merchantId, storeId: merchant.storeA1, memberId: member.id, cardNo, terminals, revoked, login };
process.stdout.write(JSON.stringify(fixture) + '\n');

const stop = async () => {
  await gw.close();
  logger.flush();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.stdin.on('end', () => void stop());
process.stdin.resume();
