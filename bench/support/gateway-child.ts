// The gateway as a child process for benchmarks and chaos runs (so it can be measured apart from
// the terminals, and killed with SIGKILL): `DATABASE_URL=… PORT=… tsx bench/support/gateway-child.ts`.
// Prints one line `listening <http url>` once the HTTP server and /v1/sync accept connections.
import { writeSync } from 'node:fs';
import pino from 'pino';
import { startGateway } from '../../gateway/src/index.js';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'error' });
const gateway = await startGateway({ databaseUrl: process.env.DATABASE_URL, port: Number(process.env.PORT ?? 0), logger });
writeSync(1, `listening ${gateway.url}\n`);
let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    void gateway.close().then(() => process.exit(0));
  });
}
