// A member code accepted by this till is refused as replayed even after the till restarts (the
// accepted step is in used_member_codes), and steps older than the code window are pruned.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MEMBER_CODE_STEP_SECONDS, memberCodeAt, newMemberCodeSecret } from '@pos/protocol';
import { TotpMemberCodeVerifier, USED_MEMBER_CODE_KEEP_STEPS } from '../../../terminal/src/checkout/member-identification.js';
import { LocalStore } from '../../../terminal/src/store/index.js';
import { T0_MS, member } from './fixtures/records.js';

const dir = mkdtempSync(path.join(tmpdir(), 'pos-used-codes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('used member codes survive a restart', () => {
  const file = path.join(dir, 'terminal.sqlite');
  const secret = newMemberCodeSecret();
  const m = member(1, { codeSecret: secret });
  const STEP_MS = MEMBER_CODE_STEP_SECONDS * 1000;

  it('refuses a replayed code after reopening the store, and prunes old steps', () => {
    const code = memberCodeAt(m.memberId, secret, T0_MS);
    let store = LocalStore.open(file);
    expect(new TotpMemberCodeVerifier(store).verify(code.payload, m, T0_MS)).toEqual({ ok: true });
    expect(new TotpMemberCodeVerifier(store).verify(code.payload, m, T0_MS + 1000)).toEqual({ ok: false, code: 'QR_REPLAYED' });
    store.close();

    store = LocalStore.open(file);
    const verifier = new TotpMemberCodeVerifier(store);
    expect(verifier.verify(code.payload, m, T0_MS + 2000)).toEqual({ ok: false, code: 'QR_REPLAYED' });
    // Outside the window the same code is simply invalid, replayed or not.
    expect(verifier.verify(code.payload, m, T0_MS + 3 * STEP_MS)).toEqual({ ok: false, code: 'QR_INVALID' });
    // The next step's code is a new code.
    const next = memberCodeAt(m.memberId, secret, T0_MS + STEP_MS);
    expect(verifier.verify(next.payload, m, T0_MS + STEP_MS)).toEqual({ ok: true });

    const count = () => (store as unknown as { db: { prepare(s: string): { pluck(): { get(): number } } } }).db.prepare('SELECT count(*) FROM used_member_codes').pluck().get();
    expect(count()).toBe(2);
    // A claim far later prunes both: they are more than USED_MEMBER_CODE_KEEP_STEPS behind.
    const later = T0_MS + (USED_MEMBER_CODE_KEEP_STEPS + 3) * STEP_MS;
    expect(verifier.verify(memberCodeAt(m.memberId, secret, later).payload, m, later)).toEqual({ ok: true });
    expect(count()).toBe(1);
    store.close();
  });
});
