// A small slice of `npm run fuzz -- devices`: random bytes on the simulator's serial lines and
// random HID reports, read by the terminal's drivers (the forecourt link too); errors or nothing,
// then a valid read (a totalizer request answered, for the forecourt).
import { describe, expect, it } from 'vitest';
import { fuzzDeviceInputs } from '../../scripts/fuzz/device-inputs.js';

describe('serial and HID input fuzz (slice)', () => {
  it('30 junk bursts on each of 7 inputs: no detach, no crash, the next valid read is exact', async () => {
    const r = await fuzzDeviceInputs({ roundsPerDevice: 30, seed: 12 });
    expect(r.failures).toEqual([]);
    expect(r.cases).toBe(210);
    for (const id of ['scanner-hid', 'scanner-serial', 'magstripe-hid', 'magstripe-serial', 'rfid-hid', 'rfid-serial', 'fcc']) {
      expect(r.counts[`${id} valid read after junk → read correctly`]).toBe(30);
    }
  }, 120_000);
});
