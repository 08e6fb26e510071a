// Check-digit validation for retail barcodes (GS1 mod-10 for EAN-13, EAN-8 and UPC-A).
import type { Symbology } from '../../bus/device-events.js';

export type BarcodeVerdict = { ok: true; symbology: Symbology } | { ok: false; reason: string };

/** GS1 mod-10 check digit of the digits before it (weights 3,1,3,… from the right). */
export function gs1CheckDigit(body: string): number {
  let sum = 0;
  for (let i = 0; i < body.length; i++) {
    const digit = body.charCodeAt(body.length - 1 - i) - 48;
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

/**
 * Classifies a scanned code. All-digit codes of 8, 12 or 13 digits are EAN-8, UPC-A or EAN-13 and must carry
 * a correct check digit; other printable codes (Code 128 member QR payloads, internal codes) pass as 'other'.
 */
export function checkBarcode(code: string): BarcodeVerdict {
  if (code.length === 0 || code.length > 256) return { ok: false, reason: 'empty or longer than 256 characters' };
  if (!/^[\x20-\x7e]+$/.test(code)) return { ok: false, reason: 'non-printable characters' };
  if (!/^\d+$/.test(code)) return { ok: true, symbology: 'other' };
  const symbology: Symbology | null = code.length === 13 ? 'EAN-13' : code.length === 12 ? 'UPC-A' : code.length === 8 ? 'EAN-8' : null;
  if (symbology === null) return { ok: true, symbology: 'other' };
  const expected = gs1CheckDigit(code.slice(0, -1));
  const actual = code.charCodeAt(code.length - 1) - 48;
  return expected === actual ? { ok: true, symbology } : { ok: false, reason: `${symbology} check digit is ${actual}, expected ${expected}` };
}
