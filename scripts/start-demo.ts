// `npm start`: the main job. Until the gateway, terminal and simulator land (issues 4–7),
// it shows the contract at work: a terminal signs a sale frame and the gateway side
// opens it, then refuses a tampered copy and a replay.
import {
  encodeFrame,
  formatYuan,
  newId,
  openFrame,
  signFrame,
  type SaleCommittedBody,
} from '@pos/protocol';

const now = Date.now();
const terminalId = newId(now);
const storeId = newId(now);
const secret = 'demo-terminal-secret';
const sale: SaleCommittedBody = {
  eventId: newId(now),
  storeId,
  terminalId,
  occurredAt: new Date(now).toISOString(),
  businessDate: new Date(now).toISOString().slice(0, 10),
  offline: true,
  saleId: newId(now),
  receiptNo: 'S0001-000001',
  memberId: null,
  cardNo: null,
  ruleSetVersion: 1,
  lines: [
    { lineNo: 1, sku: '6901234567892', name: '矿泉水 550ml', quantityMilli: 2000, unitPriceFen: 200, grossFen: 400, adjustments: [], netFen: 400, pointsEarned: 0 },
  ],
  orderAdjustments: [],
  totals: { grossFen: 400, discountFen: 0, pointsCashFen: 0, roundingFen: 0, payableFen: 400 },
  tenders: [{ kind: 'cash', amountFen: 500, changeFen: 100 }],
  pointsEarned: 0,
  pointsSpent: 0,
  growthEarned: 0,
  couponsRedeemed: [],
};
const frame = signFrame({ type: 'saleCommitted', id: newId(now), terminalId, seq: 1, sentAt: sale.occurredAt, body: sale }, secret);
const wire = encodeFrame(frame);
const key = () => ({ secret, lastSeq: 0 });

console.log(`sale ${sale.receiptNo}: payable ¥${formatYuan(sale.totals.payableFen)} (应付 ¥${formatYuan(sale.totals.payableFen)})`);
const accepted = openFrame(wire, 'terminal', key);
console.log(`gateway opens the signed frame: ${accepted.ok ? 'accepted' : accepted.error.code}`);
const tampered = openFrame(wire.replace('"payableFen":400', '"payableFen":300'), 'terminal', key);
console.log(`gateway opens a tampered copy: ${tampered.ok ? 'accepted' : tampered.error.code}`);
const replayed = openFrame(wire, 'terminal', () => ({ secret, lastSeq: 1 }));
console.log(`gateway opens a replay: ${replayed.ok ? 'accepted' : replayed.error.code}`);
