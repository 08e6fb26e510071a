// Where the third-party sample data lives: `../shared/data` next to the repository root, as in CI.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const sharedDataDir = resolve(repoRoot, '../shared/data');
export const readSharedData = (relativePath: string): Buffer => readFileSync(resolve(sharedDataDir, relativePath));
