// A small slice of `npm run fuzz -- imports`: malformed CSV/XLSX member imports over HTTP.
import { describe, expect, it } from 'vitest';
import { fuzzMemberImports } from '../../scripts/fuzz/member-imports.js';

describe('member import fuzz (slice)', () => {
  it('150 malformed files: 200 report or 4xx, dry runs and refusals write nothing, gateway up', async () => {
    const r = await fuzzMemberImports({ files: 150, seed: 14 });
    expect(r.failures).toEqual([]);
    expect(r.cases).toBe(150);
    expect(Object.keys(r.counts).some((k) => k.includes('400 VALIDATION'))).toBe(true);
  }, 120_000);
});
