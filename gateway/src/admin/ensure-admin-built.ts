// Builds the HQ console with Vite when its build is missing or older than its sources, so a fresh
// clone serves /admin/ after `npm install` and `npm start` without a separate build step.
import { mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ADMIN_ROOT = fileURLToPath(new URL('../../admin/', import.meta.url));
export const ADMIN_DIST = join(ADMIN_ROOT, 'dist');

const MAX_SOURCE_FILES = 2000;

/** The newest modification time (ms) of the console's sources and build configuration. */
function newestSourceMs(): number {
  let newest = 0;
  let seen = 0;
  const visit = (path: string): void => {
    const st = statSync(path);
    if (st.isDirectory()) {
      for (const name of readdirSync(path)) visit(join(path, name));
      return;
    }
    if (++seen > MAX_SOURCE_FILES) throw new Error(`more than ${MAX_SOURCE_FILES} console source files under ${ADMIN_ROOT}`);
    newest = Math.max(newest, st.mtimeMs);
  };
  for (const entry of ['src', 'index.html', 'vite.config.ts']) {
    try {
      visit(join(ADMIN_ROOT, entry));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  return newest;
}

function builtAtMs(): number | null {
  try {
    return statSync(join(ADMIN_DIST, 'index.html')).mtimeMs;
  } catch {
    return null;
  }
}

export interface AdminBuild {
  built: boolean;
  ms: number;
  dist: string;
}

/**
 * Runs `vite build` (programmatically) when dist/index.html is missing or older than any source.
 * The build goes to a fresh folder that then replaces dist, so a gateway serving the old build
 * never reads a half-written one.
 */
export async function ensureAdminBuilt(options: { force?: boolean; log?: (line: string) => void } = {}): Promise<AdminBuild> {
  const started = Date.now();
  const built = builtAtMs();
  if (!options.force && built !== null && built >= newestSourceMs()) return { built: false, ms: Date.now() - started, dist: ADMIN_DIST };
  options.log?.('building the HQ console (vite build) …');
  const { build } = await import('vite');
  const outDir = join(ADMIN_ROOT, `.dist-${process.pid}-${started}`);
  mkdirSync(outDir, { recursive: true });
  try {
    await build({ root: ADMIN_ROOT, configFile: join(ADMIN_ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    rmSync(ADMIN_DIST, { recursive: true, force: true });
    renameSync(outDir, ADMIN_DIST);
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
  options.log?.(`HQ console built in ${Date.now() - started} ms`);
  return { built: true, ms: Date.now() - started, dist: ADMIN_DIST };
}
