// The forecourt kiosk page in the browser: pump grid with live state, preset and authorise, then settle the
// finished delivery in the same sale view as the cashier page. No state of its own beyond the selected pump.
import type { CashierView, KioskPumpView, PageCommand, PageMessage } from '../page-messages.js';

type Lang = 'zh' | 'en';
const TEXT: Record<string, { zh: string; en: string }> = {
  title: { zh: '加油站收银', en: 'Forecourt kiosk' },
  estop: { zh: '紧急停机', en: 'Emergency stop' },
  byAmount: { zh: '定额（元）', en: 'Amount (yuan)' },
  byVolume: { zh: '定升（升）', en: 'Volume (litres)' },
  full: { zh: '加满', en: 'Full tank' },
  authorize: { zh: '授权', en: 'Authorise' },
  stop: { zh: '暂停', en: 'Stop' },
  resume: { zh: '继续', en: 'Resume' },
  settle: { zh: '结算', en: 'Settle' },
  scan: { zh: '商品/会员码', en: 'Item / member code' },
  coupon: { zh: '用券', en: 'Use coupon' },
  findMember: { zh: '查找会员', en: 'Find member' },
  fuelCard: { zh: '加油卡（储值）', en: 'Fuel card (stored value)' },
  cash: { zh: '现金', en: 'Cash' },
  pay: { zh: '收款', en: 'Take payment' },
  payCard: { zh: '加油卡付清', en: 'All by fuel card' },
  points: { zh: '积分抵现', en: 'Use points' },
  voidSale: { zh: '整单作废', en: 'Void sale' },
  newSale: { zh: '下一单', en: 'Next sale' },
  release: { zh: '释放油枪', en: 'Release pumps' },
  openShift: { zh: '开班', en: 'Open shift' },
  closeShift: { zh: '班结', en: 'Close shift' },
  gross: { zh: '原价合计', en: 'Gross' },
  discount: { zh: '优惠', en: 'Discount' },
  payable: { zh: '应付', en: 'To pay' },
  member: { zh: '会员', en: 'Member' },
  noMember: { zh: '未识别会员（刷卡、输入手机号或扫会员码）', en: 'No member (swipe a card, type a phone or scan the member code)' },
  balance: { zh: '储值余额', en: 'Stored value' },
  willEarn: { zh: '本单可得积分', en: 'Points this sale' },
  incomplete: { zh: '离线中断', en: 'Cut short' },
  lockMine: { zh: '本机结算中', en: 'Settling here' },
  lockOther: { zh: '他机结算中', en: 'Settling elsewhere' },
  pumpNo: { zh: '号油机', en: '' },
  noPump: { zh: '请选择油机', en: 'Select a pump' },
  selected: { zh: '已选', en: 'Selected' },
  online: { zh: '已联网', en: 'online' },
  offlineSync: { zh: '离线收银中', en: 'offline' },
  pending: { zh: '待同步', en: 'to sync' },
  s_offline: { zh: '离线', en: 'Offline' },
  s_idle: { zh: '空闲', en: 'Idle' },
  s_calling: { zh: '提枪', en: 'Calling' },
  s_authorized: { zh: '已授权', en: 'Authorised' },
  s_fueling: { zh: '加油中', en: 'Fueling' },
  s_paused: { zh: '暂停', en: 'Paused' },
  s_finished: { zh: '待结算', en: 'To settle' },
  s_error: { zh: '故障', en: 'Error' },
};

let lang: Lang = (localStorage.getItem('pos.lang') as Lang | null) ?? 'zh';
let view: CashierView | null = null;
let refusal: { zh: string; en: string } | null = null;
let selected: number | null = null;
const $ = (id: string) => document.getElementById(id)!;
const t = (key: string) => TEXT[key]![lang];
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
const gradeName = (grade: string | null) => (grade === null ? '' : grade === '0' ? (lang === 'zh' ? '0#柴油' : '0# diesel') : `${grade}#`);

/** Decimal text typed by a person ("12.5") to an integer of `decimals` places, without floating-point arithmetic. */
function toInteger(text: string, decimals: 2 | 3): number | null {
  const match = new RegExp(`^\\s*(\\d{1,9})(?:\\.(\\d{1,${decimals}}))?\\s*$`).exec(text);
  if (!match) return null;
  return Number(match[1]) * 10 ** decimals + Number((match[2] ?? '').padEnd(decimals, '0'));
}

const socket = new WebSocket(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`);
function send(command: PageCommand): void {
  refusal = null;
  socket.send(JSON.stringify(command));
}
function refuseLocally(text: { zh: string; en: string }): void {
  refusal = text;
  render();
}
socket.addEventListener('message', (event) => {
  const message = JSON.parse(String(event.data)) as PageMessage;
  if (message.type === 'view') {
    view = message.view;
  } else {
    refusal = message.text;
  }
  render();
});

function pumpCard(p: KioskPumpView): string {
  const figures = p.litres !== null ? `<div class="fig">${gradeName(p.grade)} <span data-testid="pump-${p.pumpNo}-litres">${p.litres}</span> L</div><div class="fig">¥<span data-testid="pump-${p.pumpNo}-amount">${p.amount}</span> · ${p.unitPrice}/L</div>` : '';
  const badges =
    (p.incomplete ? `<span class="badge">${t('incomplete')}</span> ` : '') +
    (p.lock === 'mine' ? `<span class="badge lock">${t('lockMine')}</span>` : p.lock === 'other' ? `<span class="badge lock">${t('lockOther')}</span>` : '');
  return `<div class="pump ${p.state}${p.pumpNo === selected ? ' selected' : ''}" data-pump="${p.pumpNo}" data-testid="pump-${p.pumpNo}"><div class="no">${p.pumpNo}</div><div class="state" data-testid="pump-${p.pumpNo}-state">${t(`s_${p.state}`)}</div>${figures}${badges}</div>`;
}

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
  $('sync').textContent = `${view.sync.state === 'online' ? t('online') : t('offlineSync')} · ${t('pending')} ${view.sync.pending}`;
  const pumps = view.pumps ?? [];
  $('pumps').innerHTML = pumps.map(pumpCard).join('');
  $('selected').textContent = selected === null ? t('noPump') : `${t('selected')}: ${selected}${t('pumpNo')}`;
  $('lines').innerHTML = view.lines
    .map(
      (line) =>
        `<tr><td>${esc(line.name[lang])}</td><td class="num">${line.quantity}</td><td class="num">${line.unitPrice}</td><td class="num">${line.amount}</td></tr>` +
        line.adjustments.map((a) => `<tr class="adj"><td colspan="3">${esc(a.label)}</td><td class="num">${a.amount}</td></tr>`).join(''),
    )
    .join('');
  $('explanation').innerHTML = view.explanation.map((e) => `<li>${esc(e[lang])}</li>`).join('');
  const m = view.member;
  $('member').innerHTML = m
    ? `<strong>${t('member')}: ${esc(m.name)}</strong> ${m.maskedPhone ?? ''} ${m.cardNo ? `· ${m.cardNo}` : ''}<br>${t('balance')} ¥<span data-testid="member-balance">${m.storedValue}</span>`
    : `<span class="muted">${t('noMember')}</span>`;
  const totals = view.totals;
  $('totals').innerHTML = totals
    ? `<div><span>${t('gross')}</span><span>¥${totals.gross}</span></div><div><span>${t('discount')}</span><span>-¥${totals.discount}</span></div>` +
      `<div class="payable"><span>${t('payable')}</span><span data-testid="payable">¥${totals.payable}</span></div>` +
      (m ? `<div><span>${t('willEarn')}</span><span data-testid="points-earned">${view.pointsEarned}</span></div>` : '')
    : '';
  const receipt = $('receipt');
  receipt.hidden = view.lastReceipt === null;
  receipt.textContent = view.lastReceipt ? view.lastReceipt.text : '';
}

$('lang').addEventListener('click', () => {
  lang = lang === 'zh' ? 'en' : 'zh';
  localStorage.setItem('pos.lang', lang);
  render();
});
$('pumps').addEventListener('click', (event) => {
  const card = (event.target as HTMLElement).closest<HTMLElement>('[data-pump]');
  if (!card) return;
  selected = Number(card.dataset.pump);
  render();
});
function withPump(run: (pumpNo: number) => void): void {
  if (selected === null) refuseLocally({ zh: '请先选择油机', en: 'Select a pump first' });
  else run(selected);
}
$('authorize').addEventListener('click', () =>
  withPump((pumpNo) => {
    const kind = ($('preset-kind') as HTMLSelectElement).value;
    const text = ($('preset') as HTMLInputElement).value;
    if (kind === 'full') return send({ type: 'authorizePump', pumpNo, preset: { kind: 'full' } });
    const value = toInteger(text, kind === 'amount' ? 2 : 3);
    if (value === null || value <= 0) return refuseLocally({ zh: '预置值格式不正确', en: 'the preset is not a valid number' });
    send({ type: 'authorizePump', pumpNo, preset: kind === 'amount' ? { kind: 'amount', amountFen: value } : { kind: 'volume', volumeMilliLitre: value } });
  }),
);
$('stop').addEventListener('click', () => withPump((pumpNo) => send({ type: 'stopPump', pumpNo })));
$('resume').addEventListener('click', () => withPump((pumpNo) => send({ type: 'resumePump', pumpNo })));
$('settle').addEventListener('click', () => withPump((pumpNo) => send({ type: 'settlePump', pumpNo })));
$('estop').addEventListener('click', () => send({ type: 'emergencyStop' }));
$('release').addEventListener('click', () => send({ type: 'releasePumps' }));
$('openShift').addEventListener('click', () => send({ type: 'openShift' }));
$('closeShift').addEventListener('click', () => send({ type: 'closeShift' }));
$('scan').addEventListener('click', () => {
  const input = $('code') as HTMLInputElement;
  if (input.value.trim()) send({ type: 'scan', code: input.value.trim() });
  input.value = '';
});
$('coupon').addEventListener('click', () => {
  const input = $('code') as HTMLInputElement;
  if (input.value.trim()) send({ type: 'addCoupon', couponId: input.value.trim() });
  input.value = '';
});
$('attach').addEventListener('click', () => {
  const input = $('phone') as HTMLInputElement;
  if (input.value.trim()) send({ type: 'attachMemberByPhone', phone: input.value.trim() });
});
$('pay').addEventListener('click', () => {
  const sv = toInteger(($('sv') as HTMLInputElement).value || '0', 2);
  const cash = toInteger(($('cash') as HTMLInputElement).value || '0', 2);
  if (sv === null || cash === null) return refuseLocally({ zh: '金额格式不正确', en: 'amount is not a valid number' });
  const tenders: Extract<PageCommand, { type: 'pay' }>['tenders'] = [];
  if (sv > 0) tenders.push({ kind: 'storedValue', amountFen: sv });
  if (cash > 0) tenders.push({ kind: 'cash', amountFen: cash });
  if (tenders.length > 0) send({ type: 'pay', tenders });
});
$('payCard').addEventListener('click', () => {
  if (view?.totals && view.totals.payableFen > 0) send({ type: 'pay', tenders: [{ kind: 'storedValue', amountFen: view.totals.payableFen }] });
});
$('points').addEventListener('click', () => send({ type: 'redeemPoints', points: 'max' }));
$('void').addEventListener('click', () => send({ type: 'voidSale' }));
$('next').addEventListener('click', () => {
  (['sv', 'cash', 'phone', 'preset'] as const).forEach((id) => (($(id) as HTMLInputElement).value = ''));
  send({ type: 'newSale' });
});
render();
