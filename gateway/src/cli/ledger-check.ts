// `npm run ledger:check -w @pos/gateway`: checks the ledger's invariants on DATABASE_URL (or the
// embedded default) and exits non-zero when any fails, printing what is wrong.
import { openDatabase } from '../db/database.js';
import { checkLedger } from '../ledger/ledger-check.js';

const gdb = await openDatabase(process.env.DATABASE_URL);
try {
  const report = await checkLedger(gdb, process.env.MERCHANT_ID);
  console.log(`accounts ${report.accounts}, postings ${report.postings}`);
  console.log(`balance = sum of postings: ${report.balanceMismatches.length === 0 ? 'ok' : `${report.balanceMismatches.length} mismatches`}`);
  console.log(`debits = credits per merchant and unit: ${report.unbalanced.length === 0 ? 'ok' : JSON.stringify(report.unbalanced)}`);
  console.log(`no negative customer account: ${report.negativeCustomerAccounts.length === 0 ? 'ok' : JSON.stringify(report.negativeCustomerAccounts)}`);
  console.log(`points balance = open lots: ${report.lotMismatches.length === 0 ? 'ok' : `${report.lotMismatches.length} mismatches`}`);
  for (const m of report.balanceMismatches.slice(0, 20)) console.log('  mismatch', JSON.stringify(m));
  process.exitCode = report.ok ? 0 : 1;
} finally {
  await gdb.close();
}
