// protocol/README.md is what a third party implements a terminal from: every message type has an
// example there, and every example is valid against the schema of its type.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { MESSAGES, MESSAGE_TYPES, type MessageType } from '@pos/protocol';

const readme = readFileSync(new URL('../../protocol/README.md', import.meta.url), 'utf8');
const sections = new Map<string, string>();
for (const match of readme.matchAll(/^### `(\w+)`\n[\s\S]*?```json\n([\s\S]*?)```/gm)) {
  sections.set(match[1]!, match[2]!);
}

describe('protocol/README.md', () => {
  it('has one section with a JSON example per message type', () => {
    expect([...sections.keys()].sort()).toEqual([...MESSAGE_TYPES].sort());
  });

  it.each(MESSAGE_TYPES)('the %s example is valid', (type: MessageType) => {
    const parsed = MESSAGES[type].body.safeParse(JSON.parse(sections.get(type)!));
    expect(parsed.success ? 'valid' : parsed.error.issues).toBe('valid');
  });
});
