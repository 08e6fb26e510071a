// Column arithmetic for a GB18030 receipt printer: ASCII is one column, every other character two.
// (In kanji mode the printer draws any multi-byte GB18030 character as a full-width glyph, so this is
// exactly the printer's rule, not an approximation of Unicode East Asian Width.)

export function charColumns(char: string): 1 | 2 {
  return (char.codePointAt(0) ?? 0) < 0x80 ? 1 : 2;
}

export function textColumns(text: string): number {
  let columns = 0;
  for (const char of text) columns += charColumns(char);
  return columns;
}

/** Splits text into lines of at most `width` columns, breaking at spaces when a word fits, never inside a CJK pair. */
export function wrapColumns(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  let lineColumns = 0;
  for (const char of text) {
    const c = charColumns(char);
    if (lineColumns + c > width) {
      const lastSpace = line.lastIndexOf(' ');
      if (char !== ' ' && lastSpace > 0 && /^[\x21-\x7e]+$/.test(line.slice(lastSpace + 1))) {
        lines.push(line.slice(0, lastSpace));
        line = line.slice(lastSpace + 1);
        lineColumns = textColumns(line);
      } else {
        lines.push(line);
        line = '';
        lineColumns = 0;
      }
      if (char === ' ') continue;
    }
    line += char;
    lineColumns += c;
  }
  if (line.length > 0 || lines.length === 0) lines.push(line);
  return lines.map((l) => l.replace(/ +$/, ''));
}

/** `left` then `right` flush to the right edge; when both do not fit, `left` wraps and `right` gets its own line. */
export function twoColumns(left: string, right: string, width: number): string[] {
  const leftColumns = textColumns(left);
  const rightColumns = textColumns(right);
  if (leftColumns + 1 + rightColumns <= width) return [left + ' '.repeat(width - leftColumns - rightColumns) + right];
  const wrapped = wrapColumns(left, width);
  return [...wrapped, ' '.repeat(Math.max(0, width - rightColumns)) + right];
}
