// The gateway as a child process for benchmarks and chaos runs (so it can be measured apart from
// the terminals, and killed with SIGKILL): `DATABASE_URL=… PORT=… tsx bench/support/gateway-child.ts`.
// Prints one line `listening <http url>` once the HTTP server and /v1/sync accept connections.
import { writeFileSync, writeSync } from 'node:fs';
import pino from 'pino';
import { startGateway } from '../../gateway/src/index.js';

const logger = pino({ level: process.env.LOG_LEVEL ?? 'error' });
// BENCH_QUERY_STATS=<file>: count the SQL statements the gateway sends to PostgreSQL, by statement
// shape, and write them there on exit (to see how many round trips an event costs).
const queryStatsFile = process.env.BENCH_QUERY_STATS;
const queryCounts = new Map<string, number>();
if (queryStatsFile) {
  const pg = (await import('pg')).default;
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: unknown, ...args: unknown[]) {
    const config = args[0];
    const text = typeof config === 'string' ? config : ((config as { text?: string } | null)?.text ?? '');
    const shape = text.replace(/\$\d+/g, '?').replace(/\s+/g, ' ').slice(0, 140);
    queryCounts.set(shape, (queryCounts.get(shape) ?? 0) + 1);
    return query.apply(this, args);
  } as typeof pg.Client.prototype.query;
}
function writeQueryStats(): void {
  if (!queryStatsFile) return;
  const rows = [...queryCounts].sort((x, y) => y[1] - x[1]);
  writeFileSync(queryStatsFile, rows.map(([shape, n]) => `${String(n).padStart(8)} ${shape}`).join('\n') + '\n');
}
const gateway = await startGateway({ databaseUrl: process.env.DATABASE_URL, port: Number(process.env.PORT ?? 0), logger });
writeSync(1, `listening ${gateway.url}\n`);
let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    void gateway.close().then(() => {
      writeQueryStats();
      process.exit(0);
    });
  });
}
