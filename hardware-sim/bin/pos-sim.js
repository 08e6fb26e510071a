#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, registered from this package's own location.
import { register } from 'tsx/esm/api';

register();
await import('../src/cli/pos-sim.ts');
