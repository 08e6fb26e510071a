// Terminal config documents: config, device map location, enrolment (0600), manager PINs.
export * from './config-error.js';
export * from './config-schema.js';
export * from './secure-json-file.js';
export * from './terminal-config-store.js';
