// The member page's HTML shell: mobile viewport, inline CSS laid out for a 360 px wide screen, the
// merchant in data attributes, and the bundled script (/m/app.js). Text is filled in by the script.

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

const CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 -apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;background:#f4f5f7;color:#1f2328}
header{background:#b3261e;color:#fff;padding:12px 16px;display:flex;justify-content:space-between;align-items:center;gap:8px}
header h1{font-size:18px;margin:0;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
main{max-width:480px;margin:0 auto;padding:12px}
section{background:#fff;border-radius:10px;padding:14px;margin-bottom:12px}
h2{font-size:16px;margin:0 0 8px}
label{display:block;font-size:14px;margin:8px 0 4px}
input,select{width:100%;font-size:16px;padding:10px;border:1px solid #c9ccd1;border-radius:8px;background:#fff}
button{font-size:16px;padding:10px 14px;border-radius:8px;border:1px solid #b3261e;background:#b3261e;color:#fff;min-height:44px;cursor:pointer}
button.secondary{background:#fff;color:#b3261e}
button:disabled{opacity:.5}
.row{display:flex;gap:8px;align-items:flex-end}
.row>*{flex:1}
.row>button{flex:0 0 auto}
.big{font-size:28px;font-weight:600}
.muted{color:#59636e;font-size:14px}
.error{color:#b3261e;min-height:1.5em}
.bar{height:8px;background:#eee;border-radius:4px;overflow:hidden}
.bar>div{height:100%;background:#d4a017}
ul{list-style:none;margin:0;padding:0}
li{padding:6px 0;border-bottom:1px solid #eee}
li:last-child{border-bottom:0}
.qr{display:flex;flex-direction:column;align-items:center}
.qr svg{width:240px;height:240px}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:12px}
details summary{cursor:pointer}
.hidden{display:none}
a{color:#0b57d0;word-break:break-all}
`;

export function memberPageHtml(merchant: { merchantCode: string | null; merchantName: string | null }): string {
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escapeHtml(merchant.merchantName ?? '会员中心')}</title>
<style>${CSS}</style>
</head>
<body data-merchant-code="${escapeHtml(merchant.merchantCode ?? '')}" data-merchant-name="${escapeHtml(merchant.merchantName ?? '')}">
<header><h1 id="title">${escapeHtml(merchant.merchantName ?? '会员中心')}</h1><button id="lang" class="secondary" type="button">EN</button></header>
<main id="app" aria-live="polite"></main>
<noscript>请启用 JavaScript / Please enable JavaScript</noscript>
<script type="module" src="/m/app.js"></script>
</body>
</html>`;
}
