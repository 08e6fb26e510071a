// Local store: journal + outbox, counters, member/card and catalogue caches, sync state.
export * from './catalogue-cache.js';
export * from './journal-repository.js';
export * from './local-store.js';
export * from './member-cache.js';
export * from './migrations.js';
export * from './store-error.js';
