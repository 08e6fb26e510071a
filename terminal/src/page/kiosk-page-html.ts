// The forecourt kiosk page's HTML shell and styles (touch: big targets); the script (/kiosk.js) renders into it.
export const KIOSK_PAGE_HTML = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>加油站收银 · Forecourt kiosk</title>
<style>
  :root { font-family: "WenQuanYi Zen Hei", "Noto Sans CJK SC", system-ui, sans-serif; color: #1f2328; }
  body { margin: 0; background: #f3f4f6; }
  header { display: flex; justify-content: space-between; align-items: center; padding: 8px 16px; background: #b35900; color: #fff; }
  header h1 { font-size: 22px; margin: 0; }
  main { display: grid; grid-template-columns: 3fr 2fr; gap: 12px; padding: 12px; }
  section { background: #fff; border-radius: 8px; padding: 12px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
  .pumps { display: grid; grid-template-columns: repeat(auto-fill, minmax(160px, 1fr)); gap: 10px; }
  .pump { border: 3px solid #d0d7de; border-radius: 10px; padding: 10px; min-height: 120px; cursor: pointer; background: #f6f8fa; touch-action: manipulation; }
  .pump.selected { border-color: #0969da; }
  .pump .no { font-size: 28px; font-weight: bold; }
  .pump .state { font-size: 18px; }
  .pump .fig { font-variant-numeric: tabular-nums; font-size: 18px; }
  .pump.fueling { background: #dafbe1; } .pump.finished { background: #fff8c5; } .pump.calling { background: #ddf4ff; }
  .pump.offline, .pump.error { background: #ffebe9; } .pump.authorized { background: #e6f4ea; }
  .badge { display: inline-block; font-size: 13px; padding: 1px 6px; border-radius: 8px; background: #cf222e; color: #fff; margin-top: 4px; }
  .badge.lock { background: #8250df; }
  table { width: 100%; border-collapse: collapse; font-size: 16px; }
  th, td { text-align: left; padding: 6px 4px; border-bottom: 1px solid #e5e7eb; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  .adj td { color: #cf222e; font-size: 14px; border-bottom: none; padding-top: 0; }
  .totals div { display: flex; justify-content: space-between; font-size: 16px; padding: 2px 0; }
  .totals .payable { font-size: 28px; font-weight: bold; color: #cf222e; }
  .message { padding: 8px 12px; border-radius: 6px; margin: 8px 12px 0; }
  .message.error { background: #ffebe9; color: #cf222e; }
  .message.info { background: #ddf4ff; color: #0969da; }
  button { font-size: 20px; min-height: 52px; padding: 10px 16px; margin: 4px 4px 4px 0; border-radius: 8px; border: 1px solid #d0d7de; background: #f6f8fa; cursor: pointer; touch-action: manipulation; }
  button.primary { background: #1f883d; color: #fff; border-color: #1f883d; }
  button.danger { background: #cf222e; color: #fff; border-color: #cf222e; }
  input, select { font-size: 20px; padding: 10px; width: 9em; }
  pre { font-family: "WenQuanYi Zen Hei Mono", "WenQuanYi Zen Hei", monospace; background: #fffbe6; padding: 8px; white-space: pre; overflow-x: auto; }
  .muted { color: #656d76; font-size: 14px; }
</style>
</head>
<body>
<header><h1 data-i18n="title"></h1><div><span id="sync" class="muted" data-testid="sync"></span> <button id="estop" class="danger" data-testid="emergency-stop" data-i18n="estop"></button> <button id="lang" data-testid="lang"></button></div></header>
<div id="message" class="message" data-testid="message" hidden></div>
<main>
  <section>
    <div id="pumps" class="pumps" data-testid="pumps"></div>
    <div id="selected" data-testid="selected-pump"></div>
    <p>
      <select id="preset-kind" data-testid="preset-kind"><option value="amount" data-i18n="byAmount"></option><option value="volume" data-i18n="byVolume"></option><option value="full" data-i18n="full"></option></select>
      <input id="preset" data-testid="preset-input" inputmode="decimal" autocomplete="off">
      <button id="authorize" class="primary" data-testid="authorize" data-i18n="authorize"></button>
      <button id="stop" data-testid="stop" data-i18n="stop"></button>
      <button id="resume" data-testid="resume" data-i18n="resume"></button>
      <button id="settle" class="primary" data-testid="settle" data-i18n="settle"></button>
    </p>
  </section>
  <section>
    <table><tbody id="lines" data-testid="lines"></tbody></table>
    <p><input id="code" data-testid="code-input" autocomplete="off"> <button id="scan" data-i18n="scan"></button><button id="coupon" data-testid="add-coupon" data-i18n="coupon"></button></p>
    <div id="member" data-testid="member"></div>
    <p><input id="phone" data-testid="phone-input" inputmode="tel" autocomplete="off"> <button id="attach" data-i18n="findMember"></button></p>
    <ul id="explanation" class="muted" data-testid="explanation"></ul>
    <div class="totals" id="totals" data-testid="totals"></div>
    <p><label><span data-i18n="fuelCard"></span> <input id="sv" data-testid="sv-input" inputmode="decimal"></label></p>
    <p><label><span data-i18n="cash"></span> <input id="cash" data-testid="cash-input" inputmode="decimal"></label></p>
    <p><button id="pay" class="primary" data-testid="pay" data-i18n="pay"></button><button id="payCard" data-testid="pay-fuel-card" data-i18n="payCard"></button><button id="points" data-testid="redeem-points" data-i18n="points"></button><button id="void" data-i18n="voidSale"></button><button id="next" data-testid="new-sale" data-i18n="newSale"></button><button id="release" data-i18n="release"></button><button id="openShift" data-testid="open-shift" data-i18n="openShift"></button><button id="closeShift" data-testid="close-shift" data-i18n="closeShift"></button></p>
    <pre id="receipt" data-testid="receipt" hidden></pre>
  </section>
</main>
<script type="module" src="/kiosk.js"></script>
</body>
</html>`;
