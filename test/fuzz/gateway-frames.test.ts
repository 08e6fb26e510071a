// A small slice of `npm run fuzz -- frames`: 600 random and mutated frames at a gateway in its own
// process, over real WebSockets; each gets a signed error frame or a close with a code, nothing is
// written, the gateway is up afterwards and the ledger checks out.
import { describe, expect, it } from 'vitest';
import { fuzzGatewayFrames } from '../../scripts/fuzz/gateway-frames.js';

describe('gateway frame fuzz (slice)', () => {
  it('600 random and mutated frames: typed refusals only, no rows written, gateway up', async () => {
    const r = await fuzzGatewayFrames({ frames: 600, seed: 11, connections: 2, validEvents: 5, semanticEvents: 40 });
    expect(r.failures).toEqual([]);
    expect(r.cases).toBe(640);
    expect(r.counts['valid:applied']).toBe(5);
    expect(r.counts['valid-resend:duplicate']).toBe(5);
  }, 120_000);
});
