// Group commit: batches submitted while a merchant's group runs are applied together in the next
// one; merchants never share a group; a failed group rejects each of its parts.
import { describe, expect, it } from 'vitest';
import type { ApplyOutcome, SyncEvent, TerminalIdentity } from '../../gateway/src/sync/event-applier.js';
import { GroupCommit } from '../../gateway/src/sync/group-commit.js';

type Part = { terminal: TerminalIdentity; events: readonly SyncEvent[] };

const till = (merchantId: string, n: number): TerminalIdentity => ({ merchantId, storeId: `store-${n}`, terminalId: `till-${n}` });
const events = (...ids: string[]): SyncEvent[] => ids.map((eventId) => ({ type: 'saleCommitted', body: { eventId } }) as unknown as SyncEvent);

/** Records each group as `till:event,event|till:event`; the first group waits until released. */
class FakeApplier {
  readonly groups: string[] = [];
  private release: (() => void) | null = null;
  readonly held = new Promise<void>((resolve) => (this.release = resolve));
  failWhen: ((parts: readonly Part[]) => boolean) | null = null;

  async applyGroup(parts: readonly Part[]): Promise<ApplyOutcome[][]> {
    this.groups.push(parts.map((p) => `${p.terminal.terminalId}:${p.events.map((e) => e.body.eventId).join(',')}`).join('|'));
    if (this.groups.length === 1) await this.held;
    if (this.failWhen?.(parts)) throw new Error('group failed');
    return parts.map((p) => p.events.map((e) => (e.body.eventId.startsWith('dup') ? 'duplicate' : 'applied')));
  }

  open(): void {
    this.release!();
  }
}

describe('group commit', () => {
  it('batches submitted while a group runs form the next group, in order, each getting its own outcomes', async () => {
    const applier = new FakeApplier();
    const groups = new GroupCommit(applier);
    const first = groups.submit(till('M', 1), events('a1'));
    const second = groups.submit(till('M', 2), events('b1', 'dup-b2'));
    const third = groups.submit(till('M', 3), events('c1'));
    applier.open();
    expect(await first).toEqual(['applied']);
    expect(await second).toEqual(['applied', 'duplicate']);
    expect(await third).toEqual(['applied']);
    expect(applier.groups).toEqual(['till-1:a1', 'till-2:b1,dup-b2|till-3:c1']);
  });

  it('merchants never share a group', async () => {
    const applier = new FakeApplier();
    const groups = new GroupCommit(applier);
    const done = [groups.submit(till('M', 1), events('a1')), groups.submit(till('N', 2), events('b1')), groups.submit(till('M', 3), events('c1'))];
    applier.open();
    await Promise.all(done);
    // M's first group holds; N runs its own group meanwhile; M's next group takes till 3.
    expect(applier.groups).toEqual(['till-1:a1', 'till-2:b1', 'till-3:c1']);
  });

  it('a failed group rejects every part, and the next group runs', async () => {
    const applier = new FakeApplier();
    applier.failWhen = (parts) => parts.some((p) => p.terminal.terminalId === 'till-2');
    const groups = new GroupCommit(applier);
    const first = groups.submit(till('M', 1), events('a1'));
    const second = groups.submit(till('M', 2), events('b1'));
    const third = groups.submit(till('M', 3), events('c1'));
    applier.open();
    expect(await first).toEqual(['applied']);
    await expect(second).rejects.toThrow('group failed');
    await expect(third).rejects.toThrow('group failed');
    expect(await groups.submit(till('M', 3), events('c1'))).toEqual(['applied']);
    expect(applier.groups).toEqual(['till-1:a1', 'till-2:b1|till-3:c1', 'till-3:c1']);
  });

  it('a group holds at most 2,000 events; a larger batch still goes alone', async () => {
    const applier = new FakeApplier();
    const groups = new GroupCommit(applier);
    const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}`);
    const done = [
      groups.submit(till('M', 1), events('a0')),
      groups.submit(till('M', 2), events(...ids('b', 1500))),
      groups.submit(till('M', 3), events(...ids('c', 600))),
      groups.submit(till('M', 4), events(...ids('d', 2500))),
    ];
    applier.open();
    await Promise.all(done);
    expect(applier.groups.map((g) => g.split('|').map((p) => `${p.split(':')[0]}×${p.split(':')[1]!.split(',').length}`).join('+'))).toEqual([
      'till-1×1',
      'till-2×1500',
      'till-3×600',
      'till-4×2500',
    ]);
  });
});
