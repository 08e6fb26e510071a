// The cashier page in the browser: renders the runtime's views and sends the cashier's commands.
// It holds no sale state of its own: the terminal runtime is the single source of truth.
import type { CashierView, PageCommand, PageMessage } from '../page-messages.js';

type Lang = 'zh' | 'en';
const TEXT: Record<string, { zh: string; en: string }> = {
  title: { zh: '收银台', en: 'Cashier' },
  item: { zh: '商品', en: 'Item' },
  qty: { zh: '数量', en: 'Qty' },
  price: { zh: '单价', en: 'Price' },
  amount: { zh: '金额', en: 'Amount' },
  addItem: { zh: '添加商品', en: 'Add item' },
  findMember: { zh: '查找会员', en: 'Find member' },
  storedValue: { zh: '储值支付', en: 'Stored value' },
  cash: { zh: '现金', en: 'Cash' },
  pay: { zh: '收款', en: 'Take payment' },
  exactCash: { zh: '现金付清', en: 'Exact cash' },
  voidSale: { zh: '整单作废', en: 'Void sale' },
  newSale: { zh: '下一单', en: 'Next sale' },
  reprint: { zh: '重打小票', en: 'Reprint' },
  gross: { zh: '原价合计', en: 'Gross' },
  discount: { zh: '优惠', en: 'Discount' },
  pointsCash: { zh: '积分抵现', en: 'Points as cash' },
  rounding: { zh: '抹零', en: 'Rounding' },
  payable: { zh: '应付', en: 'To pay' },
  member: { zh: '会员', en: 'Member' },
  noMember: { zh: '未识别会员（刷卡、输入手机号或扫会员码）', en: 'No member (swipe a card, type a phone or scan the member code)' },
  points: { zh: '积分', en: 'Points' },
  balance: { zh: '储值余额', en: 'Stored value' },
  willEarn: { zh: '本单可得积分', en: 'Points this sale' },
  useCoupons: { zh: '使用会员券', en: 'Use member coupons' },
  change: { zh: '找零', en: 'Change' },
  remove: { zh: '删除', en: 'Remove' },
  online: { zh: '已联网', en: 'online' },
  offline: { zh: '离线收银中', en: 'offline' },
  pending: { zh: '待同步', en: 'to sync' },
};

let lang: Lang = (localStorage.getItem('pos.lang') as Lang | null) ?? 'zh';
let view: CashierView | null = null;
let refusal: { zh: string; en: string } | null = null;
const $ = (id: string) => document.getElementById(id)!;
const t = (key: string) => TEXT[key]![lang];
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/** Yuan typed by a person ("12.5") to fen, without floating-point arithmetic. */
function yuanToFen(text: string): number | null {
  const match = /^\s*(\d{1,9})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0'));
}

const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
function send(command: PageCommand): void {
  refusal = null;
  socket.send(JSON.stringify(command));
}
socket.addEventListener('message', (event) => {
  const message = JSON.parse(String(event.data)) as PageMessage;
  if (message.type === 'view') {
    view = message.view;
    refusal = null;
  } else {
    refusal = message.text;
  }
  render();
});

function render(): void {
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
  document.querySelectorAll<HTMLElement>('[data-i18n]').forEach((el) => (el.textContent = t(el.dataset.i18n!)));
  $('lang').textContent = lang === 'zh' ? 'English' : '中文';
  const message = refusal ?? view?.message?.text ?? null;
  const messageEl = $('message');
  messageEl.hidden = message === null;
  messageEl.className = `message ${refusal || view?.message?.level === 'error' ? 'error' : 'info'}`;
  messageEl.textContent = message ? message[lang] : '';
  if (!view) return;
  $('sync').textContent = `${view.sync.state === 'online' ? t('online') : t('offline')} · ${t('pending')} ${view.sync.pending}`;
  $('lines').innerHTML = view.lines
    .map(
      (line) =>
        `<tr data-line="${line.lineNo}"><td>${esc(line.name[lang])}</td><td class="num">${line.quantity}</td><td class="num">${line.unitPrice}</td><td class="num">${line.amount}</td><td><button data-void="${line.lineNo}">${t('remove')}</button></td></tr>` +
        line.adjustments.map((a) => `<tr class="adj"><td colspan="3">${esc(a.label)}</td><td class="num">${a.amount}</td><td></td></tr>`).join(''),
    )
    .join('');
  $('explanation').innerHTML = view.explanation.map((e) => `<li>${esc(e[lang])}</li>`).join('');
  const m = view.member;
  $('member').innerHTML = m
    ? `<strong>${t('member')}: ${esc(m.name)}</strong> ${m.maskedPhone ?? ''} ${m.cardNo ? `· ${m.cardNo}` : ''}<br>${t('points')} <span data-testid="member-points">${m.points}</span> · ${t('balance')} ¥<span data-testid="member-balance">${m.storedValue}</span>` +
      (m.coupons ? ` <button id="memberCoupons" data-testid="member-coupons">${t('useCoupons')} (${m.coupons})</button>` : '')
    : `<span class="muted">${t('noMember')}</span>`;
  const totals = view.totals;
  $('totals').innerHTML = totals
    ? `<div><span>${t('gross')}</span><span>¥${totals.gross}</span></div><div><span>${t('discount')}</span><span>-¥${totals.discount}</span></div>` +
      (totals.pointsCash !== '0.00' ? `<div><span>${t('pointsCash')}</span><span>-¥${totals.pointsCash}</span></div>` : '') +
      (totals.rounding !== '0.00' ? `<div><span>${t('rounding')}</span><span>-¥${totals.rounding}</span></div>` : '') +
      `<div class="payable"><span>${t('payable')}</span><span data-testid="payable">¥${totals.payable}</span></div>` +
      (m ? `<div><span>${t('willEarn')}</span><span>${view.pointsEarned}</span></div>` : '')
    : '';
  const receipt = $('receipt');
  receipt.hidden = view.lastReceipt === null;
  receipt.textContent = view.lastReceipt
    ? `${view.lastReceipt.text}${view.lastReceipt.change ? `\n${t('change')}: ¥${view.lastReceipt.change}` : ''}`
    : '';
}

$('lang').addEventListener('click', () => {
  lang = lang === 'zh' ? 'en' : 'zh';
  localStorage.setItem('pos.lang', lang);
  render();
});
$('scan').addEventListener('click', () => {
  const input = $('barcode') as HTMLInputElement;
  if (input.value.trim()) send({ type: 'scan', code: input.value.trim() });
  input.value = '';
});
$('attach').addEventListener('click', () => {
  const input = $('phone') as HTMLInputElement;
  if (input.value.trim()) send({ type: 'attachMemberByPhone', phone: input.value.trim() });
});
$('member').addEventListener('click', (event) => {
  if ((event.target as HTMLElement).id === 'memberCoupons') send({ type: 'applyMemberCoupons' });
});
$('lines').addEventListener('click', (event) => {
  const lineNo = (event.target as HTMLElement).dataset.void;
  if (lineNo) send({ type: 'voidLine', lineNo: Number(lineNo) });
});
$('pay').addEventListener('click', () => {
  const sv = yuanToFen((($('sv') as HTMLInputElement).value || '0'));
  const cash = yuanToFen((($('cash') as HTMLInputElement).value || '0'));
  if (sv === null || cash === null) {
    refusal = { zh: '金额格式不正确', en: 'amount is not a valid number' };
    render();
    return;
  }
  const tenders: Extract<PageCommand, { type: 'pay' }>['tenders'] = [];
  if (sv > 0) tenders.push({ kind: 'storedValue', amountFen: sv });
  if (cash > 0) tenders.push({ kind: 'cash', amountFen: cash });
  if (tenders.length > 0) send({ type: 'pay', tenders });
});
$('payCash').addEventListener('click', () => {
  if (view?.totals && view.totals.payableFen > 0) send({ type: 'pay', tenders: [{ kind: 'cash', amountFen: view.totals.payableFen }] });
});
$('void').addEventListener('click', () => send({ type: 'voidSale' }));
$('next').addEventListener('click', () => {
  (['sv', 'cash', 'phone'] as const).forEach((id) => (($(id) as HTMLInputElement).value = ''));
  send({ type: 'newSale' });
});
$('reprint').addEventListener('click', () => send({ type: 'reprint' }));
render();
