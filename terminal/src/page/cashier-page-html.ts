// The cashier page's HTML shell and styles; the script (/app.js) renders into it.
export const CASHIER_PAGE_HTML = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>收银台 · Cashier</title>
<style>
  :root { font-family: "WenQuanYi Zen Hei", "Noto Sans CJK SC", system-ui, sans-serif; color: #1f2328; }
  body { margin: 0; background: #f3f4f6; }
  header { display: flex; justify-content: space-between; align-items: center; padding: 8px 16px; background: #1f6feb; color: #fff; }
  header h1 { font-size: 20px; margin: 0; }
  main { display: grid; grid-template-columns: 3fr 2fr; gap: 12px; padding: 12px; }
  section { background: #fff; border-radius: 8px; padding: 12px; box-shadow: 0 1px 2px rgba(0,0,0,.08); }
  table { width: 100%; border-collapse: collapse; font-size: 16px; }
  th, td { text-align: left; padding: 6px 4px; border-bottom: 1px solid #e5e7eb; }
  td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
  .adj td { color: #cf222e; font-size: 14px; border-bottom: none; padding-top: 0; }
  .totals div { display: flex; justify-content: space-between; font-size: 16px; padding: 2px 0; }
  .totals .payable { font-size: 28px; font-weight: bold; color: #cf222e; }
  .message { padding: 8px 12px; border-radius: 6px; margin: 0 12px; }
  .message.error { background: #ffebe9; color: #cf222e; }
  .message.info { background: #ddf4ff; color: #0969da; }
  button { font-size: 18px; padding: 10px 14px; margin: 4px 4px 4px 0; border-radius: 6px; border: 1px solid #d0d7de; background: #f6f8fa; cursor: pointer; }
  button.primary { background: #1f883d; color: #fff; border-color: #1f883d; }
  input { font-size: 18px; padding: 8px; width: 10em; }
  pre { font-family: "WenQuanYi Zen Hei Mono", "WenQuanYi Zen Hei", monospace; background: #fffbe6; padding: 8px; white-space: pre; overflow-x: auto; }
  .muted { color: #656d76; font-size: 14px; }
</style>
</head>
<body>
<header><h1 data-i18n="title"></h1><div><span id="sync" class="muted" data-testid="sync"></span> <button id="lang" data-testid="lang"></button></div></header>
<div id="message" class="message" data-testid="message" hidden></div>
<main>
  <section>
    <table><thead><tr><th data-i18n="item"></th><th class="num" data-i18n="qty"></th><th class="num" data-i18n="price"></th><th class="num" data-i18n="amount"></th><th></th></tr></thead>
    <tbody id="lines" data-testid="lines"></tbody></table>
    <p><input id="barcode" data-testid="barcode-input" autocomplete="off"> <button id="scan" data-i18n="addItem"></button></p>
    <ul id="explanation" class="muted" data-testid="explanation"></ul>
  </section>
  <section>
    <div id="member" data-testid="member"></div>
    <p><input id="phone" data-testid="phone-input" inputmode="tel" autocomplete="off"> <button id="attach" data-i18n="findMember"></button></p>
    <div class="totals" id="totals" data-testid="totals"></div>
    <p><label><span data-i18n="storedValue"></span> <input id="sv" data-testid="sv-input" inputmode="decimal"></label></p>
    <p><label><span data-i18n="cash"></span> <input id="cash" data-testid="cash-input" inputmode="decimal"></label></p>
    <p><button id="pay" class="primary" data-testid="pay" data-i18n="pay"></button><button id="payCash" data-testid="pay-cash" data-i18n="exactCash"></button><button id="void" data-i18n="voidSale"></button><button id="next" data-testid="new-sale" data-i18n="newSale"></button><button id="reprint" data-i18n="reprint"></button></p>
    <pre id="receipt" data-testid="receipt" hidden></pre>
  </section>
</main>
<script type="module" src="/app.js"></script>
</body>
</html>`;
