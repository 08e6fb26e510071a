// A magnetic stripe reader in keyboard mode: a swipe types ISO/IEC 7813 track 1 and track 2
// back to back, then Enter. Tests use synthetic Luhn-valid numbers (see test-cards.ts).
import { iso7813Tracks, type CardTracks } from './test-cards.js';
import { sendLine, type LineOutput } from './line-output.js';

export class MagstripeReader {
  swipes = 0;
  constructor(readonly output: LineOutput) {}

  async swipe(card: CardTracks, tracks: 'both' | 'track1' | 'track2' = 'both'): Promise<void> {
    const { track1, track2 } = iso7813Tracks(card);
    const text = tracks === 'track1' ? track1 : tracks === 'track2' ? track2 : track1 + track2;
    await sendLine(this.output, text);
    this.swipes++;
  }

  /** A bad swipe: what a reader types when it reads noise (start sentinel, error marker). */
  async badSwipe(): Promise<void> {
    await sendLine(this.output, '%E?;E?');
  }
}
