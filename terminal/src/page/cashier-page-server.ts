// Serves the cashier page on the POS box (localhost only) and keeps it live over a WebSocket:
// every checkout state change is pushed as a view; every button press comes back as a command,
// validated before it reaches the checkout. The page script is bundled with esbuild at start.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Observable, Subscription } from 'rxjs';
import pino, { type Logger } from 'pino';
import { WebSocketServer, type WebSocket } from 'ws';
import type { LocalizedText } from '@pos/protocol';
import { PageCommand, type CashierView, type PageMessage } from './page-messages.js';
import { CASHIER_PAGE_HTML } from './cashier-page-html.js';
import { KIOSK_PAGE_HTML } from './kiosk-page-html.js';

/** Largest command frame the page may send. */
const MAX_COMMAND_BYTES = 16 * 1024;
const MAX_PAGE_CLIENTS = 8;

export class PageCommandRefused extends Error {
  constructor(
    readonly code: string,
    readonly text: LocalizedText,
  ) {
    super(text.en);
  }
}

export interface CashierPageOptions {
  view$: Observable<CashierView>;
  /** Carries out a validated command; throws PageCommandRefused (or any error) to refuse it. */
  handle: (command: PageCommand) => Promise<void> | void;
  host?: string;
  port?: number;
  logger?: Logger;
}

export interface CashierPage {
  url: string;
  close(): Promise<void>;
}

async function bundleClient(file: 'main.ts' | 'kiosk.ts'): Promise<string> {
  const entry = fileURLToPath(new URL(`./client/${file}`, import.meta.url));
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
  });
  return result.outputFiles[0]!.text;
}

export async function startCashierPage(options: CashierPageOptions): Promise<CashierPage> {
  const log = (options.logger ?? pino({ level: 'silent' })).child({ module: 'terminal/page' });
  const [script, kioskScript] = await Promise.all([bundleClient('main.ts'), bundleClient('kiosk.ts')]);
  let latest: CashierView | null = null;

  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET') {
      res.writeHead(405).end();
      return;
    }
    if (path === '/' || path === '/index.html') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(CASHIER_PAGE_HTML);
    } else if (path === '/app.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(script);
    } else if (path === '/kiosk' || path === '/kiosk.html') {
      // the forecourt attendant's touch page: same view stream and commands, pumps first
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(KIOSK_PAGE_HTML);
    } else if (path === '/kiosk.js') {
      res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(kioskScript);
    } else if (path === '/view.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(latest));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    }
  });

  const sockets = new WebSocketServer({ server, path: '/ws', maxPayload: MAX_COMMAND_BYTES });
  const send = (socket: WebSocket, message: PageMessage) => socket.send(JSON.stringify(message));

  const subscription: Subscription = options.view$.subscribe((view) => {
    latest = view;
    for (const socket of sockets.clients) send(socket, { type: 'view', view });
  });

  sockets.on('connection', (socket) => {
    if (sockets.clients.size > MAX_PAGE_CLIENTS) {
      socket.close(1013, 'too many cashier pages');
      return;
    }
    if (latest) send(socket, { type: 'view', view: latest });
    socket.on('message', async (data) => {
      let raw: unknown;
      try {
        raw = JSON.parse(data.toString());
      } catch {
        send(socket, { type: 'refused', code: 'BAD_COMMAND', text: { zh: '指令格式错误', en: 'malformed command' } });
        return;
      }
      const parsed = PageCommand.safeParse(raw);
      if (!parsed.success) {
        const field = parsed.error.issues[0]?.path.join('.') ?? '';
        send(socket, { type: 'refused', code: 'BAD_COMMAND', text: { zh: `指令无效：${field}`, en: `invalid command: ${field}` } });
        return;
      }
      try {
        await options.handle(parsed.data);
      } catch (error) {
        if (error instanceof PageCommandRefused) {
          send(socket, { type: 'refused', code: error.code, text: error.text });
        } else {
          log.error({ err: error instanceof Error ? error.message : String(error), command: parsed.data.type }, 'command failed');
          const code = (error as { code?: unknown }).code;
          send(socket, {
            type: 'refused',
            code: typeof code === 'string' ? code : 'INTERNAL',
            text: { zh: '操作失败，请重试', en: `could not do that: ${error instanceof Error ? error.message : String(error)}` },
          });
        }
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://${options.host ?? '127.0.0.1'}:${port}/`;
  log.info({ url }, 'cashier page listening');
  return {
    url,
    close: async () => {
      subscription.unsubscribe();
      for (const socket of sockets.clients) socket.terminate();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
