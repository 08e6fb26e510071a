// Cards: find a card by number and run its lifecycle (挂失, 解挂, 冻结, 解冻, 补卡, 销卡). Every action
// first says what happens to the balance, and only the actions the card's status and the role allow
// are offered (the same rules the API applies).
import { Alert, Button, Card, Descriptions, Empty, Form, Input, Modal, Space, Tag, Typography, message } from 'antd';
import { useMemo, useState } from 'react';
import { get, idempotencyKey, post } from '../api.js';
import { ErrorAlert, toastError } from '../errors.js';
import { dateTime, yuan } from '../format.js';
import { useLang, useT } from '../i18n.js';
import { navigate } from '../router.js';
import { useCan, useSession } from '../session.js';
import { useLoad } from '../use-load.js';
import { CARD_STATUS } from './member-view-page.js';

interface CardView {
  id: string;
  cardNo: string;
  memberId: string;
  cardTypeId: string;
  storeId: string;
  status: string;
  mainCardId: string | null;
  uids: string[];
  replacedBy: string | null;
  createdAt: number;
  updatedAt: number;
  balance: { principalFen: number; bonusFen: number };
}

type Action = 'loss' | 'unloss' | 'freeze' | 'unfreeze' | 'replace' | 'cancel';
const FROM: Record<Action, string[]> = {
  loss: ['active'],
  unloss: ['lost'],
  freeze: ['active'],
  unfreeze: ['frozen'],
  replace: ['active', 'lost', 'frozen'],
  cancel: ['active', 'lost', 'frozen'],
};
const PERMISSION: Record<Action, string> = { loss: 'card.status', unloss: 'card.status', freeze: 'card.status', unfreeze: 'card.status', replace: 'card.replace', cancel: 'card.cancel' };
const NAMES: Record<Action, [string, string]> = { loss: ['挂失', 'Report lost'], unloss: ['解挂', 'Unlock lost'], freeze: ['冻结', 'Freeze'], unfreeze: ['解冻', 'Unfreeze'], replace: ['补卡', 'Replace'], cancel: ['销卡', 'Cancel'] };

export function CardsPage({ initialCardNo }: { initialCardNo?: string | undefined }) {
  const t = useT();
  const [text, setText] = useState(initialCardNo ?? '');
  const cardNo = initialCardNo;
  return (
    <Card title={t('会员卡', 'Cards')}>
      <Input.Search style={{ width: 360, marginBottom: 16 }} value={text} onChange={(e) => setText(e.target.value)} onSearch={(v) => v.trim() && navigate('cards', v.trim())} placeholder={t('输入卡号', 'Card number')} enterButton data-testid="card-search" />
      {cardNo ? <CardPanel cardNo={cardNo} /> : <Empty description={t('输入卡号查看卡片与余额', 'Enter a card number to see the card and its balance')} />}
    </Card>
  );
}

function CardPanel({ cardNo }: { cardNo: string }) {
  const t = useT();
  const lang = useLang();
  const can = useCan();
  const session = useSession();
  const [refresh, setRefresh] = useState(0);
  const card = useLoad(() => get<CardView>(`/v1/cards/${encodeURIComponent(cardNo)}`), [cardNo, refresh]);
  const [action, setAction] = useState<Action | null>(null);
  if (card.error) return <ErrorAlert error={card.error} />;
  const c = card.data;
  if (!c) return <Card loading />;
  const actions = (Object.keys(FROM) as Action[]).filter((a) => FROM[a].includes(c.status) && can(PERMISSION[a]));
  return (
    <>
      <Descriptions bordered size="small" column={2}>
        <Descriptions.Item label={t('卡号', 'Card')}>{c.cardNo}</Descriptions.Item>
        <Descriptions.Item label={t('状态', 'Status')}><Tag color={CARD_STATUS[c.status]?.[2]} data-testid="card-status">{CARD_STATUS[c.status]?.[lang === 'zh' ? 0 : 1] ?? c.status}</Tag></Descriptions.Item>
        <Descriptions.Item label={t('本金', 'Principal')}>{yuan(c.balance.principalFen)}</Descriptions.Item>
        <Descriptions.Item label={t('赠送金', 'Bonus')}>{yuan(c.balance.bonusFen)}</Descriptions.Item>
        <Descriptions.Item label={t('会员', 'Member')}><a onClick={() => navigate('members', c.memberId)}>{t('查看会员', 'Open member')}</a></Descriptions.Item>
        <Descriptions.Item label={t('门店', 'Store')}>{session.storeName(c.storeId)}</Descriptions.Item>
        <Descriptions.Item label={t('绑定介质', 'Bound UIDs')}>{c.uids.join(', ') || '—'}</Descriptions.Item>
        <Descriptions.Item label={t('更新时间', 'Updated')}>{dateTime(c.updatedAt)}</Descriptions.Item>
      </Descriptions>
      <Space style={{ marginTop: 16 }} wrap>
        {actions.map((a) => (
          <Button key={a} danger={a === 'cancel'} onClick={() => setAction(a)} data-testid={`card-${a}`}>{NAMES[a][lang === 'zh' ? 0 : 1]}</Button>
        ))}
        {actions.length === 0 && <Typography.Text type="secondary">{t('此卡当前没有您可执行的操作', 'No action on this card is open to you')}</Typography.Text>}
      </Space>
      {action && <CardActionModal card={c} action={action} onClose={() => setAction(null)} onDone={(next) => { setAction(null); if (next) navigate('cards', next); else setRefresh((r) => r + 1); }} />}
    </>
  );
}

function CardActionModal({ card, action, onClose, onDone }: { card: CardView; action: Action; onClose: () => void; onDone: (newCardNo?: string) => void }) {
  const t = useT();
  const lang = useLang();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const key = useMemo(() => idempotencyKey(action), [action]);
  const p = yuan(card.balance.principalFen);
  const b = yuan(card.balance.bonusFen);
  const effect: Record<Action, string> = {
    loss: t(`挂失后此卡不能消费，余额（本金 ${p}，赠送 ${b}）保留在卡上。`, `The card can no longer pay; its balance (principal ${p}, bonus ${b}) stays on it.`),
    unloss: t(`解挂后卡恢复正常，余额不变（本金 ${p}，赠送 ${b}）。`, `The card becomes active again; the balance is unchanged (principal ${p}, bonus ${b}).`),
    freeze: t(`冻结后此卡不能消费，余额（本金 ${p}，赠送 ${b}）保留。`, `The card is frozen; its balance (principal ${p}, bonus ${b}) is kept.`),
    unfreeze: t(`解冻后卡恢复正常，余额不变。`, `The card becomes active again; the balance is unchanged.`),
    replace: t(`本金 ${p} 和赠送金 ${b} 全部转入新卡，旧卡作废。`, `Principal ${p} and bonus ${b} move to the new card; the old card is retired.`),
    cancel: t(`退还本金 ${p} 给顾客，赠送金 ${b} 作废，卡注销且不可恢复。`, `Principal ${p} is paid back to the customer, bonus ${b} is forfeited; the card is closed for good.`),
  };
  const submit = async () => {
    const v = (await form.validateFields()) as { reason?: string; newCardNo?: string };
    setBusy(true);
    try {
      if (action === 'replace') await post(`/v1/cards/${card.cardNo}/replace`, { newCardNo: v.newCardNo, idempotencyKey: key });
      else if (action === 'cancel') await post(`/v1/cards/${card.cardNo}/cancel`, { reason: v.reason, idempotencyKey: key });
      else await post(`/v1/cards/${card.cardNo}/${action}`, v.reason ? { reason: v.reason } : {});
      void message.success(t('已完成', 'Done'));
      onDone(action === 'replace' ? v.newCardNo : undefined);
    } catch (e) {
      toastError(e, lang);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open title={`${NAMES[action][lang === 'zh' ? 0 : 1]} · ${card.cardNo}`} onCancel={onClose} onOk={submit} confirmLoading={busy} okButtonProps={{ danger: action === 'cancel', 'data-testid': 'card-action-ok' }} okText={t('确认', 'Confirm')}>
      <Alert type={action === 'cancel' ? 'error' : 'warning'} showIcon message={effect[action]} style={{ marginBottom: 16 }} data-testid="card-action-effect" />
      <Form form={form} layout="vertical">
        {action === 'replace' && (
          <Form.Item label={t('新卡号', 'New card number')} name="newCardNo" rules={[{ required: true, pattern: /^\d{6,19}$/, message: t('6–19 位数字', '6 to 19 digits') }]}>
            <Input />
          </Form.Item>
        )}
        <Form.Item label={t('原因', 'Reason')} name="reason" rules={action === 'cancel' ? [{ required: true, whitespace: true }] : []}>
          <Input />
        </Form.Item>
      </Form>
    </Modal>
  );
}
