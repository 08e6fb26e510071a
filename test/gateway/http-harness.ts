// Starts a real gateway (HTTP on an ephemeral loopback port) on a fresh database of either dialect,
// and a small client that speaks to it with fetch.
import type { Dialect } from '../../gateway/src/db/database.js';
import { startGateway, type RunningGateway } from '../../gateway/src/index.js';
import type { StartGatewayOptions } from '../../gateway/src/index.js';
import { createTestDatabase, ManualClock, silentLogger, type TestDatabase } from './harness.js';

export interface HttpResult<T = any> {
  status: number;
  body: T;
  text: string;
}

export class Client {
  constructor(
    readonly baseUrl: string,
    readonly token?: string,
  ) {}

  withToken(token: string): Client {
    return new Client(this.baseUrl, token);
  }

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult<T>> {
    const init: RequestInit = { method, headers: { ...headers } };
    if (this.token) (init.headers as Record<string, string>).authorization = `Bearer ${this.token}`;
    if (body !== undefined) {
      if (typeof body === 'string' || body instanceof Uint8Array) {
        init.body = body as string;
      } else {
        (init.headers as Record<string, string>)['content-type'] = 'application/json';
        init.body = JSON.stringify(body);
      }
    }
    const res = await fetch(this.baseUrl + path, init);
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('application/json')) parsed = JSON.parse(text);
    return { status: res.status, body: parsed as T, text };
  }
  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body: unknown = {}) {
    return this.request<T>('POST', path, body);
  }
  put<T = any>(path: string, body: unknown) {
    return this.request<T>('PUT', path, body);
  }
  patch<T = any>(path: string, body: unknown) {
    return this.request<T>('PATCH', path, body);
  }
}

export interface TestGateway {
  gw: RunningGateway;
  db: TestDatabase;
  clock: ManualClock;
  client: Client;
  close(): Promise<void>;
}

export async function startTestGateway(dialect: Dialect, extra: Partial<StartGatewayOptions> = {}): Promise<TestGateway> {
  const db = await createTestDatabase(dialect);
  const clock = new ManualClock();
  // The job schedule stays off: a test that wants a scheduled pass calls gw.jobs.scheduler.tick().
  const gw = await startGateway({ databaseUrl: db.url, port: 0, logger: silentLogger, clock, jobs: { schedule: false }, ...extra });
  return {
    gw,
    db,
    clock,
    client: new Client(gw.url),
    close: async () => {
      await gw.close();
      await db.drop();
    },
  };
}

export async function login(client: Client, merchantCode: string, username: string, password: string): Promise<Client> {
  const r = await client.post('/v1/auth/login', { merchantCode, username, password });
  if (r.status !== 200) throw new Error(`login ${username} failed: ${r.status} ${r.text}`);
  return client.withToken(r.body.token);
}
