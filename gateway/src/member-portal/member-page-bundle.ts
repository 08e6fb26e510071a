// The member page's script, bundled from client/main.ts with esbuild on first request and kept in
// memory (a few KB: vanilla TypeScript, no framework; the QR is drawn by the server as SVG).
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

let bundled: Promise<string> | null = null;

async function bundle(): Promise<string> {
  const entry = fileURLToPath(new URL('./client/main.ts', import.meta.url));
  const result = await build({ entryPoints: [entry], bundle: true, write: false, format: 'esm', target: 'es2020', minify: true, legalComments: 'none' });
  return result.outputFiles[0]!.text;
}

/** The minified page script; built once per process. */
export function memberPageClientScript(): Promise<string> {
  bundled ??= bundle().catch((error: unknown) => {
    bundled = null;
    throw error;
  });
  return bundled;
}
