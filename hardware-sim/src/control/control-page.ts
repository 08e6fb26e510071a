// The control page's HTML (zh-CN and en): a card per virtual device with its buttons, refreshed
// from /api/state; printed receipts shown as their PNGs.
export type PageLang = 'zh-CN' | 'en';

const text = {
  'zh-CN': {
    title: 'POS 硬件模拟器 控制台', other: 'English', otherLang: 'en', hid: 'HID 后端',
    printer: '小票打印机', scanner: '扫码枪', magstripe: '磁条卡读卡器', rfid: 'RFID 读卡器', 'pole-display': '客显屏',
    scan: '扫码', swipe: '刷测试卡', tap: '刷卡', unplug: '拔出', replug: '插入', garbage: '注入乱码',
    printDemo: '打印示例小票', paperOut: '缺纸', paperIn: '装纸', coverOpen: '开盖', coverClose: '合盖',
    offline: '离线', online: '在线', slow: '慢速打印', fast: '正常速度', drawerOpen: '打开钱箱', drawerClose: '关闭钱箱',
    drawer: '钱箱', open: '打开', closed: '关闭', plugged: '已连接', unplugged: '已拔出', status: '状态字节 (DLE EOT 1-4)',
    receipts: '已打印小票', none: '暂无', ok: '完成', failed: '失败',
  },
  en: {
    title: 'POS hardware simulator control', other: '中文', otherLang: 'zh-CN', hid: 'HID backend',
    printer: 'Receipt printer', scanner: 'Barcode scanner', magstripe: 'Magstripe reader', rfid: 'RFID reader', 'pole-display': 'Customer display',
    scan: 'Scan', swipe: 'Swipe test card', tap: 'Tap card', unplug: 'Unplug', replug: 'Plug in', garbage: 'Inject noise',
    printDemo: 'Print demo receipt', paperOut: 'Paper out', paperIn: 'Load paper', coverOpen: 'Open cover', coverClose: 'Close cover',
    offline: 'Offline', online: 'Online', slow: 'Slow printing', fast: 'Normal speed', drawerOpen: 'Open drawer', drawerClose: 'Close drawer',
    drawer: 'Cash drawer', open: 'open', closed: 'closed', plugged: 'plugged in', unplugged: 'unplugged', status: 'Status bytes (DLE EOT 1-4)',
    receipts: 'Printed receipts', none: 'none yet', ok: 'done', failed: 'failed',
  },
} as const;

export function controlPageHtml(lang: PageLang): string {
  const t = text[lang];
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<title>${t.title}</title>
<style>
  body { font-family: "WenQuanYi Zen Hei", system-ui, sans-serif; margin: 1rem; background: #f4f4f4; }
  .devices { display: flex; flex-wrap: wrap; gap: 1rem; align-items: flex-start; }
  .card { background: #fff; border: 1px solid #ccc; border-radius: 6px; padding: .75rem; min-width: 18rem; }
  .card h2 { font-size: 1.05rem; margin: 0 0 .25rem; }
  .addr { color: #555; font-size: .8rem; font-family: monospace; }
  button { margin: .15rem; }
  .display { font-family: monospace; background: #022; color: #3f3; padding: .4rem; white-space: pre; }
  .receipts img { max-width: 304px; border: 1px solid #ddd; margin: .25rem; background: #fff; }
  #log { font-size: .85rem; color: #333; min-height: 1.2em; }
</style>
</head>
<body>
<h1>${t.title}</h1>
<p><a href="/?lang=${t.otherLang}" id="lang-switch">${t.other}</a> · ${t.hid}: <span id="hid"></span></p>
<p id="log" role="status"></p>
<div class="devices" id="devices"></div>
<script>
const T = ${JSON.stringify(t)};
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
async function act(id, body) {
  const res = await fetch('/api/devices/' + encodeURIComponent(id) + '/actions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = await res.json();
  document.getElementById('log').textContent = id + ' ' + body.action + ': ' + (res.ok ? T.ok : T.failed + ' ' + json.error.code + ' ' + json.error.message);
  await refresh();
}
function btn(id, label, body, testid) {
  return '<button data-testid="' + testid + '" data-device="' + esc(id) + '" data-body="' + esc(JSON.stringify(body)) + '">' + esc(label) + '</button>';
}
function card(d) {
  const addr = d.transports.map((x) => x.transport + ' ' + x.address).join('<br>');
  let h = '<div class="card" data-testid="device-' + esc(d.id) + '"><h2>' + esc(T[d.class] || d.class) + ' · ' + esc(d.id) + '</h2><div class="addr">' + addr + '</div>';
  if (d.class === 'printer') {
    h += '<p>' + T.status + ': <span data-testid="status-' + esc(d.id) + '">' + d.statusBytes.join(' ') + '</span></p>';
    h += btn(d.id, T.printDemo, { action: 'print-demo' }, 'print-demo');
    h += d.state.paperOut ? btn(d.id, T.paperIn, { action: 'paper', out: false }, 'paper-in') : btn(d.id, T.paperOut, { action: 'paper', out: true }, 'paper-out');
    h += d.state.coverOpen ? btn(d.id, T.coverClose, { action: 'cover', open: false }, 'cover-close') : btn(d.id, T.coverOpen, { action: 'cover', open: true }, 'cover-open');
    h += d.state.offline ? btn(d.id, T.online, { action: 'online', online: true }, 'online') : btn(d.id, T.offline, { action: 'online', online: false }, 'offline');
    h += btn(d.id, T.slow, { action: 'slow', lineDelayMs: 200 }, 'slow') + btn(d.id, T.fast, { action: 'slow', lineDelayMs: 0 }, 'fast');
    if (d.drawer) {
      h += '<p>' + T.drawer + ': <b data-testid="drawer-' + esc(d.id) + '">' + (d.drawer.open ? T.open : T.closed) + '</b> ';
      h += btn(d.id, T.drawerOpen, { action: 'drawer', open: true }, 'drawer-open') + btn(d.id, T.drawerClose, { action: 'drawer', open: false }, 'drawer-close') + '</p>';
    }
    h += '<h3>' + T.receipts + '</h3><div class="receipts">' + (d.receipts.length ? d.receipts.map((r) => '<img data-testid="receipt" alt="' + esc(r.text) + '" src="' + esc(r.png) + '">').join('') : T.none) + '</div>';
  } else if (d.class === 'pole-display') {
    h += '<div class="display" data-testid="display-' + esc(d.id) + '">' + esc(d.lines.join('\\n')) + '</div>';
    h += d.plugged ? btn(d.id, T.unplug, { action: 'unplug' }, 'unplug') : btn(d.id, T.replug, { action: 'replug' }, 'replug');
  } else {
    h += '<p data-testid="plugged-' + esc(d.id) + '">' + (d.plugged ? T.plugged : T.unplugged) + '</p>';
    if (d.class === 'scanner') h += '<input data-testid="code-' + esc(d.id) + '" value="6901234567892" size="16"> <button data-testid="scan" data-scan="' + esc(d.id) + '">' + T.scan + '</button>';
    if (d.class === 'magstripe') h += btn(d.id, T.swipe, { action: 'swipe', cardSerial: 1 }, 'swipe');
    if (d.class === 'rfid') h += btn(d.id, T.tap, { action: 'tap', uid: '04A1B2C3' }, 'tap');
    h += d.plugged ? btn(d.id, T.unplug, { action: 'unplug' }, 'unplug') : btn(d.id, T.replug, { action: 'replug' }, 'replug');
    if (d.transport === 'serial') h += btn(d.id, T.garbage, { action: 'garbage' }, 'garbage');
  }
  return h + '</div>';
}
let lastHtml = '';
async function refresh() {
  const state = await (await fetch('/api/state')).json();
  document.getElementById('hid').textContent = state.hidBackend;
  const html = state.devices.map(card).join('');
  // Re-render only on change so typed input is not lost between polls.
  if (html !== lastHtml) {
    const codes = {};
    document.querySelectorAll('input[data-testid^="code-"]').forEach((i) => { codes[i.dataset.testid] = i.value; });
    document.getElementById('devices').innerHTML = html;
    document.querySelectorAll('input[data-testid^="code-"]').forEach((i) => { if (codes[i.dataset.testid] !== undefined) i.value = codes[i.dataset.testid]; });
    lastHtml = html;
  }
}
document.addEventListener('click', (e) => {
  const b = e.target.closest('button');
  if (!b) return;
  if (b.dataset.scan) {
    const input = document.querySelector('input[data-testid="code-' + b.dataset.scan + '"]');
    act(b.dataset.scan, { action: 'scan', code: input.value });
  } else if (b.dataset.device) {
    act(b.dataset.device, JSON.parse(b.dataset.body));
  }
});
refresh();
setInterval(refresh, 1000);
</script>
</body>
</html>`;
}
