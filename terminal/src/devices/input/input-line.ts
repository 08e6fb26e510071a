// One line of text typed by a keyboard-wedge device or sent on a serial line, or why there is none.
import type { DeviceErrorCode } from '../../bus/device-error.js';

export type InputLine = { ok: true; text: string } | { ok: false; code: DeviceErrorCode; detail: string };

/** Longest line we keep: a magstripe swipe with tracks 1–3 is under 250 characters. */
export const MAX_LINE_CHARS = 512;
