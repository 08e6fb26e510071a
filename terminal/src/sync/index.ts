// Terminal ⇄ gateway sync: the client that drains the outbox and applies downstream changes.
export * from './sync-client.js';
export * from './sync-store.js';
