// @pos/gateway: create and start the gateway in-process (end-to-end demo, sync tests), or use its parts.
import { createServer as createHttpsServer } from 'node:https';
import { dirname } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import pino, { type Logger } from 'pino';
import { systemClock, type Clock } from './context.js';
import { dialectOf, openDatabase } from './db/database.js';
import { createApp, type AppExtensions } from './http/app.js';
import { createServices, type Services } from './services.js';
import { createGatewaySync, type GatewaySync } from './sync/gateway-sync.js';
import { createJobRunner, jobRoutes, JobScheduler, type JobRunner } from './jobs/index.js';

export interface StartGatewayOptions {
  /** postgres://… or a SQLite path; default `./data/gateway.db`. */
  databaseUrl?: string | undefined;
  /** 0 for an ephemeral port. */
  port: number;
  host?: string;
  logger?: Logger;
  clock?: Clock;
  extensions?: AppExtensions;
  /** Files the gateway writes besides the database (the notification inbox); default: the SQLite file's folder, else ./data. */
  dataDir?: string;
  /** PEM key and certificate: the gateway then serves https:// and wss:// only. */
  tls?: { key: string | Buffer; cert: string | Buffer };
  /** The job schedule (jobs/): on by default, ticking every minute; `schedule: false` in tests that run jobs by hand. */
  jobs?: { schedule?: boolean; intervalMs?: number };
}

export interface RunningGateway {
  url: string;
  services: Services;
  server: ServerType;
  /** Terminal enrolment, keys, price list and the /v1/sync WebSocket endpoint. */
  sync: GatewaySync;
  /** Runs jobs (POST /v1/jobs/{name}/run uses the same); the scheduler's tick() runs a scheduled pass now. */
  jobs: { runner: JobRunner; scheduler: JobScheduler };
  close(): Promise<void>;
}

export async function startGateway(options: StartGatewayOptions): Promise<RunningGateway> {
  const log = options.logger ?? pino({ name: 'gateway' });
  const gdb = await openDatabase(options.databaseUrl, { logger: log });
  const services = createServices(gdb, options.clock ?? systemClock, log, { dataDir: options.dataDir ?? defaultDataDir(options.databaseUrl) });
  const sync = createGatewaySync(gdb, options.clock ?? systemClock, services, log);
  const jobRunner = createJobRunner(services);
  const scheduler = new JobScheduler(gdb, jobRunner, log, options.jobs?.intervalMs);
  const app = createApp(services, { ...options.extensions, routes: [...(options.extensions?.routes ?? []), ...sync.routes, jobRoutes(jobRunner)] });
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<ServerType>((resolve) => {
    const s = serve(
      options.tls
        ? { fetch: app.fetch, port: options.port, hostname: host, createServer: createHttpsServer, serverOptions: { key: options.tls.key, cert: options.tls.cert } }
        : { fetch: app.fetch, port: options.port, hostname: host },
      () => resolve(s),
    );
  });
  sync.attach(server as import('node:http').Server);
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const url = `${options.tls ? 'https' : 'http'}://${host}:${port}`;
  if (options.jobs?.schedule !== false) scheduler.start();
  log.info({ url, dialect: gdb.dialect }, 'gateway listening');
  return {
    url,
    services,
    server,
    sync,
    jobs: { runner: jobRunner, scheduler },
    close: async () => {
      await scheduler.stop();
      await sync.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive sockets would hold close() open until they time out.
        if ('closeAllConnections' in server) server.closeAllConnections();
      });
      await gdb.close();
    },
  };
}

/** The SQLite file's folder, or ./data for PostgreSQL and in-memory databases. */
function defaultDataDir(databaseUrl: string | undefined): string {
  if (databaseUrl === undefined || dialectOf(databaseUrl) === 'postgres') return './data';
  const path = databaseUrl.replace(/^sqlite:(\/\/)?/, '');
  return path === ':memory:' ? './data' : dirname(path);
}

export { createApp } from './http/app.js';
export { seedDemo, DEMO_MERCHANT_CODE, DEMO_PASSWORD, type DemoSeed } from './demo/seed-demo.js';
export { createServices, type Services, type ServiceOptions } from './services.js';
export { NotificationService, ConsoleFileProvider, TEMPLATES, type NotificationProvider, type NotificationLogEntry, type InboxLine, type Channel, type TemplateId, type Locale } from './notifications/index.js';
export { openDatabase, type GatewayDb, type Dialect } from './db/database.js';
export { checkLedger, type LedgerCheckReport } from './ledger/ledger-check.js';
export { GatewayError, type GatewayErrorCode } from './errors.js';
export { systemActor, systemClock, type Actor, type Clock, type Role } from './context.js';
