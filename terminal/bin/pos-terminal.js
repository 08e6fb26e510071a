#!/usr/bin/env node
// Entry point for `npx pos-terminal`: registers tsx from this package's location, so the
// TypeScript CLI runs from any working directory.
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/cli/pos-terminal.ts', import.meta.url).href);
