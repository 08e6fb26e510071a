// Stored value and points: find a card, recharge it by plan, adjust it (managers, with a reason), and
// read its member's ledger with CSV/XLSX export.
import { Button, Card, Descriptions, Empty, Input, Space, message } from 'antd';
import { useState } from 'react';
import { get } from '../api.js';
import { ErrorAlert } from '../errors.js';
import { yuan } from '../format.js';
import { useT } from '../i18n.js';
import { AdjustModal, RechargeModal } from '../ledger-actions.js';
import { MemberLedger } from '../member-ledger.js';
import { navigate } from '../router.js';
import { useCan } from '../session.js';
import { useLoad } from '../use-load.js';

export function StoredValuePage({ initialCardNo }: { initialCardNo?: string | undefined }) {
  const t = useT();
  const can = useCan();
  const [text, setText] = useState(initialCardNo ?? '');
  const [refresh, setRefresh] = useState(0);
  const [dialog, setDialog] = useState<'recharge' | 'adjust' | null>(null);
  const cardNo = initialCardNo;
  const card = useLoad(() => (cardNo ? get<{ cardNo: string; memberId: string; status: string; balance: { principalFen: number; bonusFen: number } }>(`/v1/cards/${encodeURIComponent(cardNo)}`) : Promise.resolve(null)), [cardNo, refresh]);
  const c = card.data;
  return (
    <Card title={t('储值与积分', 'Stored value & points')}>
      <Input.Search style={{ width: 360, marginBottom: 16 }} value={text} onChange={(e) => setText(e.target.value)} onSearch={(v) => v.trim() && navigate('stored-value', v.trim())} placeholder={t('输入卡号', 'Card number')} enterButton />
      <ErrorAlert error={card.error} />
      {!c ? (
        <Empty description={t('输入卡号后可按方案充值、调整，并查看会员流水', 'Enter a card number to recharge by plan, adjust, and read the ledger')} />
      ) : (
        <>
          <Descriptions bordered size="small" column={3}>
            <Descriptions.Item label={t('卡号', 'Card')}>{c.cardNo}</Descriptions.Item>
            <Descriptions.Item label={t('本金', 'Principal')}>{yuan(c.balance.principalFen)}</Descriptions.Item>
            <Descriptions.Item label={t('赠送金', 'Bonus')}>{yuan(c.balance.bonusFen)}</Descriptions.Item>
          </Descriptions>
          <Space style={{ margin: '16px 0' }}>
            {can('stored-value.recharge') && <Button type="primary" disabled={c.status !== 'active'} onClick={() => setDialog('recharge')}>{t('按方案充值', 'Recharge by plan')}</Button>}
            {can('stored-value.adjust') && <Button disabled={c.status !== 'active'} onClick={() => setDialog('adjust')}>{t('店长调整', 'Manager adjustment')}</Button>}
            <Button onClick={() => navigate('members', c.memberId)}>{t('会员详情', 'Member view')}</Button>
          </Space>
          <MemberLedger memberId={c.memberId} refreshKey={refresh} />
          <RechargeModal open={dialog === 'recharge'} cardNos={[c.cardNo]} onClose={() => setDialog(null)} onDone={() => { void message.success(t('充值成功', 'Recharged')); setRefresh((r) => r + 1); }} />
          <AdjustModal open={dialog === 'adjust'} cardNos={[c.cardNo]} onClose={() => setDialog(null)} onDone={() => setRefresh((r) => r + 1)} />
        </>
      )}
    </Card>
  );
}
