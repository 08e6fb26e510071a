// `npm run start -w @pos/gateway`: the gateway alone on the embedded default (./data/gateway.db) or
// DATABASE_URL, with the demo merchant seeded; prints the URL and the demo logins.
import pino from 'pino';
import { DEMO_MERCHANT_CODE, DEMO_PASSWORD, seedDemo } from '../demo/seed-demo.js';
import { startGateway } from '../index.js';
import { ensureAdminBuilt } from '../admin/ensure-admin-built.js';

await ensureAdminBuilt({ log: (line) => console.log(line) });
const port = Number(process.env.PORT ?? 8080);
const logger = pino({ name: 'gateway', level: process.env.LOG_LEVEL ?? 'info' });
const gateway = await startGateway({ databaseUrl: process.env.DATABASE_URL, port, host: process.env.HOST ?? '127.0.0.1', logger });
const seed = await seedDemo(gateway.services);

console.log(`
POS gateway running at ${gateway.url}  (${gateway.services.gdb.dialect}${process.env.DATABASE_URL ? '' : ', ./data/gateway.db'})
HQ console:        ${gateway.url}/admin/
OpenAPI document:  ${gateway.url}/openapi.json
Demo merchant ${seed.created ? 'seeded' : 'already present'}: code "${DEMO_MERCHANT_CODE}", password for every demo login "${DEMO_PASSWORD}"
${seed.logins.map((l) => `  ${l.username.padEnd(14)} ${l.role.padEnd(15)} ${l.scope}`).join('\n')}
Try:
  curl -s -X POST ${gateway.url}/v1/auth/login -H 'content-type: application/json' \\
    -d '{"merchantCode":"${DEMO_MERCHANT_CODE}","username":"hq","password":"${DEMO_PASSWORD}"}'
Money is in fen everywhere in the API (10000 = ¥100.00).
`);

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    void gateway.close().then(() => process.exit(0));
  });
}
