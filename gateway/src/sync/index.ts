// Terminal ⇄ gateway sync: enrolment and keys, the WebSocket endpoint, event application, snapshots.
export * from './change-feed.js';
export * from './event-applier.js';
export * from './snapshot-builder.js';
export * from './sync-endpoint.js';
export * from './sync-migration.js';
export * from './terminal-keys.js';
export * from './sync-routes.js';
export * from './gateway-sync.js';
