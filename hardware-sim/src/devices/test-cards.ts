// Synthetic, Luhn-valid card numbers and ISO/IEC 7813 tracks for tests: never real card data.

/** The Luhn check digit for a string of digits (without its check digit). */
export function luhnCheckDigit(digits: string): string {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return String((10 - (sum % 10)) % 10);
}

/** A 16-digit member card number with our test prefix 990 (not an issued range) and a Luhn digit. */
export function syntheticCardNumber(serial: number): string {
  const body = `990${String(Math.abs(Math.trunc(serial)) % 1e12).padStart(12, '0')}`;
  return body + luhnCheckDigit(body);
}

export interface CardTracks {
  pan: string;
  name: string;
  expiryYymm: string;
  serviceCode: string;
  discretionary: string;
}

/** Track 1 (format B) and track 2 as a keyboard-mode reader types them, back to back. */
export function iso7813Tracks(card: CardTracks): { track1: string; track2: string } {
  const name = card.name.toUpperCase().slice(0, 26).padEnd(2, ' ');
  return {
    track1: `%B${card.pan}^${name}^${card.expiryYymm}${card.serviceCode}${card.discretionary}?`,
    track2: `;${card.pan}=${card.expiryYymm}${card.serviceCode}${card.discretionary.replace(/\D/g, '')}?`,
  };
}
