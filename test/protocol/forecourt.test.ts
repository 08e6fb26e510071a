// The forecourt controller wire protocol: frames, validation, the pump state table.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  PUMP_TRANSITIONS,
  PumpState,
  encodeForecourtFrame,
  isLegalPumpTransition,
  parseForecourtMessage,
  parseForecourtRequest,
} from '@pos/protocol';

describe('forecourt frames', () => {
  it('a request survives encode → parse and ends with one LF', () => {
    const request = { id: 7, type: 'authorize', data: { pumpNo: 3, preset: { kind: 'amount', amountFen: 20000 } } } as const;
    const line = encodeForecourtFrame(request);
    expect(line.endsWith('}\n')).toBe(true);
    expect(line.indexOf('\n')).toBe(line.length - 1);
    expect(parseForecourtRequest(line.trimEnd())).toEqual({ ok: true, value: request });
  });

  it.each([
    ['not JSON', '{"id":', 'frame is not valid JSON'],
    ['unknown type', '{"id":1,"type":"explode","data":{}}', 'type: Invalid input'],
    ['pump 0', '{"id":1,"type":"stop","data":{"pumpNo":0}}', 'data.pumpNo: Too small: expected number to be >=1'],
    ['a fractional amount', '{"id":2,"type":"authorize","data":{"pumpNo":1,"preset":{"kind":"amount","amountFen":1.5}}}', 'data.preset.amountFen: Invalid input: expected int, received number'],
    ['a zero preset', '{"id":2,"type":"authorize","data":{"pumpNo":1,"preset":{"kind":"volume","volumeMilliLitre":0}}}', 'data.preset.volumeMilliLitre: Too small: expected number to be >=1'],
  ])('refuses %s with BAD_FRAME naming the field', (_label, line, message) => {
    const parsed = parseForecourtRequest(line);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.code).toBe('BAD_FRAME');
    expect(parsed.message.startsWith(message.split(':')[0]!)).toBe(true);
  });

  it('every line of the documented example is a valid frame', () => {
    const doc = readFileSync(new URL('../../protocol/FORECOURT.md', import.meta.url), 'utf8');
    const lines = [...doc.matchAll(/^([→←]) (\{.*\})$/gm)];
    expect(lines.length).toBe(5);
    for (const [, direction, json] of lines) {
      const parsed = direction === '→' ? parseForecourtRequest(json!) : parseForecourtMessage(json!);
      expect(parsed.ok ? 'valid' : parsed.message).toBe('valid');
    }
  });
});

describe('pump state table', () => {
  it.each([
    ['idle', 'calling', true],
    ['calling', 'authorized', true],
    ['authorized', 'fueling', true],
    ['fueling', 'paused', true],
    ['paused', 'fueling', true],
    ['fueling', 'finished', true],
    ['finished', 'idle', true],
    ['idle', 'fueling', false],
    ['finished', 'fueling', false],
    ['calling', 'finished', false],
    ['fueling', 'idle', false],
  ] as const)('%s → %s legal: %s', (from, to, legal) => {
    expect(isLegalPumpTransition(from, to)).toBe(legal);
  });

  it('any state may go offline, and a finished transaction survives an outage', () => {
    for (const state of PumpState.options) {
      if (state !== 'offline') expect(PUMP_TRANSITIONS[state]).toContain('offline');
    }
    expect(PUMP_TRANSITIONS.offline).toContain('finished');
  });
});
