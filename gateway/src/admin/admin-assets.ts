// Serves the HQ console (the Vite build in gateway/admin/dist) under /admin/: hashed assets with a
// long cache, every other path falls back to index.html so the console's own routes load directly.
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import type { Hono } from 'hono';
import { compress } from 'hono/compress';
import { ADMIN_DIST } from './ensure-admin-built.js';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>console not built</title>
<p>管理后台尚未构建 / The console is not built: run <code>npm run build:admin</code> (or start the gateway with <code>npm run start:gateway</code>, which builds it).</p>`;

// The handler is written here rather than taken from @hono/node-server's serveStatic because the
// console needs an absolute root, the SPA fallback and immutable caching of hashed assets only.
export function adminAssets(app: Hono<any>, distDir: string = ADMIN_DIST): void {
  app.get('/admin', (c) => c.redirect('/admin/', 301));
  // The bundle is ~2 MB of JavaScript and ~0.7 MB gzipped: compress what the console loads.
  app.use('/admin/*', compress());
  app.get('/admin/*', async function serveAdmin(c) {
    const relative = decodeURIComponent(c.req.path.slice('/admin/'.length));
    const file = normalize(join(distDir, relative));
    const inside = file.startsWith(distDir.endsWith(sep) ? distDir : distDir + sep);
    if (inside && relative !== '' && extname(file) !== '') {
      const body = await readFile(file).catch(() => null);
      if (body) {
        const hashed = relative.startsWith('assets/');
        return c.body(body, 200, {
          'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
          'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache',
        });
      }
      if (relative.startsWith('assets/')) return c.text('not found', 404);
    }
    const index = await readFile(join(distDir, 'index.html'), 'utf8').catch(() => null);
    return c.html(index ?? NOT_BUILT, index ? 200 : 503, { 'cache-control': 'no-cache' });
  });
}
