// A WebSocket proxy for resilience tests: sits between a terminal and the gateway and, driven by a
// seeded random source, drops, duplicates, delays and reorders whole frames in both directions
// and now and then cuts the connection. The same seed gives the same fault decisions.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';

export interface FaultRates {
  /** Probability that a frame is not forwarded. */
  drop: number;
  /** Probability that a frame is forwarded twice. */
  duplicate: number;
  /** Probability that a frame is held back and forwarded after the next one (or after `maxDelayMs`). */
  reorder: number;
  /** Probability that a frame is forwarded after a random delay up to `maxDelayMs`. */
  delay: number;
  /** Probability, per frame, that both sockets are cut instead. */
  cut: number;
  maxDelayMs: number;
}

export interface FaultCounts {
  forwarded: number;
  dropped: number;
  duplicated: number;
  reordered: number;
  delayed: number;
  cuts: number;
  connections: number;
}

export interface FaultProxy {
  /** ws:// URL terminals connect to; the path is passed on to the upstream. */
  url(path: string): string;
  readonly counts: FaultCounts;
  /** Stops injecting faults (frames pass untouched), e.g. for the final drain. */
  setRates(rates: FaultRates): void;
  close(): Promise<void>;
}

export const NO_FAULTS: FaultRates = { drop: 0, duplicate: 0, reorder: 0, delay: 0, cut: 0, maxDelayMs: 0 };

/** mulberry32: a small, well-known seeded PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Frames waiting in one direction of one connection are bounded; past this the proxy cuts. */
const MAX_HELD_FRAMES = 10_000;

/** Starts a proxy on 127.0.0.1 (ephemeral port) in front of `upstreamOrigin` (e.g. ws://127.0.0.1:1234). */
export async function startFaultProxy(upstreamOrigin: string, initialRates: FaultRates, random: () => number): Promise<FaultProxy> {
  let rates = initialRates;
  const counts: FaultCounts = { forwarded: 0, dropped: 0, duplicated: 0, reordered: 0, delayed: 0, cuts: 0, connections: 0 };
  const server: Server = createServer((_req, res) => res.writeHead(404).end());
  const wss = new WebSocketServer({ server });
  const live = new Set<() => void>();

  wss.on('connection', (client, req) => {
    counts.connections += 1;
    const upstream = new WebSocket(`${upstreamOrigin}${req.url ?? '/'}`);
    const timers = new Set<NodeJS.Timeout>();
    let closed = false;
    const cut = () => {
      if (closed) return;
      closed = true;
      live.delete(cut);
      for (const t of timers) clearTimeout(t);
      timers.clear();
      client.terminate();
      upstream.terminate();
    };
    live.add(cut);
    // Frames from the client before the upstream is open wait here, in order (no faults on them).
    const early: string[] = [];
    upstream.on('open', () => {
      for (const text of early.splice(0)) upstream.send(text);
    });

    const direction = (to: WebSocket) => {
      let held: { text: string; timer: NodeJS.Timeout } | null = null;
      let waiting = 0;
      const deliver = (text: string) => {
        if (closed || to.readyState !== WebSocket.OPEN) return;
        to.send(text);
        counts.forwarded += 1;
      };
      const later = (text: string, delayMs: number) => {
        if (waiting >= MAX_HELD_FRAMES) return cut();
        waiting += 1;
        const timer = setTimeout(() => {
          timers.delete(timer);
          waiting -= 1;
          deliver(text);
        }, delayMs);
        timers.add(timer);
      };
      const releaseHeld = () => {
        if (!held) return;
        clearTimeout(held.timer);
        timers.delete(held.timer);
        const { text } = held;
        held = null;
        deliver(text);
      };
      return (text: string) => {
        if (closed) return;
        const r = random();
        let edge = rates.cut;
        if (r < edge) {
          counts.cuts += 1;
          return cut();
        }
        if (r < (edge += rates.drop)) {
          counts.dropped += 1;
          return;
        }
        if (r < (edge += rates.duplicate)) {
          counts.duplicated += 1;
          deliver(text);
          deliver(text);
          return releaseHeld();
        }
        if (r < (edge += rates.reorder) && !held) {
          counts.reordered += 1;
          // Held until the next frame overtakes it, or released alone after maxDelayMs.
          const timer = setTimeout(() => releaseHeld(), Math.max(1, rates.maxDelayMs));
          timers.add(timer);
          held = { text, timer };
          return;
        }
        if (r < (edge += rates.delay)) {
          counts.delayed += 1;
          later(text, 1 + Math.floor(random() * Math.max(1, rates.maxDelayMs)));
          return releaseHeld();
        }
        deliver(text);
        releaseHeld();
      };
    };

    const toUpstream = direction(upstream);
    const toClient = direction(client);
    client.on('message', (data) => {
      const text = data.toString();
      if (upstream.readyState === WebSocket.CONNECTING) early.push(text);
      else toUpstream(text);
    });
    upstream.on('message', (data) => toClient(data.toString()));
    client.on('close', cut);
    upstream.on('close', cut);
    client.on('error', cut);
    upstream.on('error', cut);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path) => `ws://127.0.0.1:${port}${path}`,
    counts,
    setRates: (next) => {
      rates = next;
    },
    close: async () => {
      for (const cut of [...live]) cut();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
