// The eight RFM segments of the engine (RFM_SEGMENTS) by name, in zh-CN and en.
export const SEGMENTS: Record<string, [string, string]> = {
  importantValue: ['重要价值', 'Important value'],
  importantDevelop: ['重要发展', 'Important develop'],
  importantRetain: ['重要保持', 'Important retain'],
  importantWinBack: ['重要挽留', 'Important win-back'],
  generalValue: ['一般价值', 'General value'],
  generalDevelop: ['一般发展', 'General develop'],
  generalRetain: ['一般保持', 'General retain'],
  generalWinBack: ['一般挽留', 'General win-back'],
};

/** YYYY-MM-DD of a moment in the browser's time zone. */
export function localDay(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}
