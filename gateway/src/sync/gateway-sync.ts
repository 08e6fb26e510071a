// Everything terminal sync adds to a running gateway: the enrolment and catalogue routes, and the
// WebSocket endpoint on the same HTTP server.
import type { Server } from 'node:http';
import type { Logger } from 'pino';
import { CatalogueService, catalogueRoutes } from '../catalogue/index.js';
import type { Clock } from '../context.js';
import type { GatewayDb } from '../db/database.js';
import type { GatewayApp } from '../http/route.js';
import type { Services } from '../services.js';
import { SyncEventApplier } from './event-applier.js';
import { SnapshotBuilder } from './snapshot-builder.js';
import { ChangeFeed } from './change-feed.js';
import { type SyncEndpoint, attachSyncEndpoint } from './sync-endpoint.js';
import { syncRoutes } from './sync-routes.js';
import { TerminalKeyService } from './terminal-keys.js';

export interface GatewaySync {
  keys: TerminalKeyService;
  catalogue: CatalogueService;
  /** Route groups for createApp's extensions. */
  routes: ((app: GatewayApp, s: Services) => void)[];
  /** Mounts /v1/sync on the gateway's HTTP server. */
  attach(server: Server): SyncEndpoint;
  close(): Promise<void>;
}

export function createGatewaySync(gdb: GatewayDb, clock: Clock, services: Services, logger: Logger): GatewaySync {
  const keys = new TerminalKeyService(gdb, clock);
  const catalogue = new CatalogueService(gdb, clock);
  let endpoint: SyncEndpoint | null = null;
  const snapshots = new SnapshotBuilder(gdb, clock);
  const feed = new ChangeFeed(gdb, snapshots, clock, { logger });
  return {
    keys,
    catalogue,
    routes: [syncRoutes(keys, () => endpoint), catalogueRoutes(catalogue)],
    attach: (server) => {
      endpoint = attachSyncEndpoint(server, {
        keys,
        applier: new SyncEventApplier({ gdb, clock, ledger: services.ledger, members: services.members, cards: services.cards, logger }),
        snapshots,
        feed,
        clock,
        logger,
      });
      return endpoint;
    },
    close: async () => {
      feed.close();
      await endpoint?.close();
    },
  };
}
