// A member's full view: profile with custom attributes, tags, cards with balances, points lots with
// their expiry, tier and growth history, orders synced from the tills, follow-up notes, the ledger,
// coupons, and for HQ the member's RFM segment and birthday / anniversary reminders (results of the
// HQ jobs); and what staff do from here: edit, note, tag, recharge, adjust, issue a card.
import { ArrowLeftOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Col, Descriptions, Form, Input, List, Modal, Row, Select, Space, Statistic, Table, Tabs, Tag, Typography, message } from 'antd';
import { useState } from 'react';
import { get, post, qs } from '../api.js';
import { ErrorAlert, toastError } from '../errors.js';
import { dateTime, yuan } from '../format.js';
import { useLang, useT } from '../i18n.js';
import { AdjustModal, RechargeModal } from '../ledger-actions.js';
import { MemberLedger } from '../member-ledger.js';
import { navigate } from '../router.js';
import { useCan, useSession } from '../session.js';
import { useLoad } from '../use-load.js';
import { SEGMENTS, localDay } from '../segments.js';
import { MemberFormModal } from './members-page.js';

export interface MemberDetail {
  id: string;
  name: string;
  phone: string | null;
  gender: string | null;
  birthday: string | null;
  anniversary: string | null;
  address: string | null;
  storeId: string;
  tierId: string | null;
  growth: number;
  status: string;
  tags: string[];
  createdAt: number;
  attributes: Record<string, string | number>;
  cards: { cardNo: string; cardTypeId: string; status: string; mainCardNo: string | null; principalFen: number; bonusFen: number }[];
  storedValue: { principalFen: number; bonusFen: number };
  points: { balance: number; lots: { lotId: string; points: number; expiresOn: string | null }[] };
  notes: { id: string; staffId: string; body: string; createdAt: number }[];
  growthHistory: { id: string; source: string; delta: number; growthAfter: number; tierBefore: string | null; tierAfter: string | null; change: string; createdAt: number }[];
  orders: { eventId: string; type: 'saleCommitted' | 'saleRefunded'; saleId: string; receiptNo: string; storeId: string; occurredAt: string; amountFen: number; pointsEarned: number }[];
}
interface AttributeDefinition {
  key: string;
  labelZh: string;
  labelEn: string;
  type: string;
}
interface CardType {
  id: string;
  name: string;
  kind: string;
  level: string;
}

export const CARD_STATUS: Record<string, [string, string, string]> = {
  active: ['正常', 'Active', 'green'],
  lost: ['挂失', 'Lost', 'orange'],
  frozen: ['冻结', 'Frozen', 'blue'],
  replaced: ['已补卡', 'Replaced', 'default'],
  cancelled: ['已销卡', 'Cancelled', 'red'],
};

export function MemberViewPage({ memberId }: { memberId: string }) {
  const t = useT();
  const lang = useLang();
  const can = useCan();
  const session = useSession();
  const [refresh, setRefresh] = useState(0);
  // RFM and reminders are results of HQ jobs, readable by HQ only.
  const hq = session.staff.role === 'hq_admin';
  const member = useLoad(() => get<MemberDetail>(`/v1/members/${memberId}`), [memberId, refresh]);
  const attributes = useLoad(() => get<AttributeDefinition[]>('/v1/member-attributes'), []);
  const cardTypes = useLoad(() => get<CardType[]>('/v1/card-types'), []);
  const [dialog, setDialog] = useState<'recharge' | 'adjust' | 'edit' | 'issue' | null>(null);
  const [note, setNote] = useState('');
  const [newTag, setNewTag] = useState('');
  const reload = () => setRefresh((r) => r + 1);

  if (member.error) return <Card><ErrorAlert error={member.error} /><Button onClick={() => navigate('members')}>{t('返回', 'Back')}</Button></Card>;
  const m = member.data;
  if (!m) return <Card loading />;
  const activeCards = m.cards.filter((c) => c.status === 'active' && !c.mainCardNo).map((c) => c.cardNo);
  const typeName = (id: string) => cardTypes.data?.find((c) => c.id === id)?.name ?? id;

  const addNote = async () => {
    if (!note.trim()) return;
    try {
      await post(`/v1/members/${m.id}/notes`, { body: note.trim() });
      setNote('');
      reload();
    } catch (e) {
      toastError(e, lang);
    }
  };
  const changeTags = async (body: { add?: string[]; remove?: string[] }) => {
    try {
      await post(`/v1/members/${m.id}/tags`, body);
      setNewTag('');
      reload();
    } catch (e) {
      toastError(e, lang);
    }
  };

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Card
        title={
          <Space>
            <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => navigate('members')} />
            <span data-testid="member-name">{m.name}</span>
            {m.tierId && <Tag color="gold">{m.tierId}</Tag>}
            <Tag color={m.status === 'active' ? 'green' : 'default'}>{m.status === 'active' ? t('正常', 'active') : m.status}</Tag>
            {hq && <MemberSegment memberId={m.id} />}
          </Space>
        }
        extra={
          <Space>
            {can('member.write') && <Button icon={<EditOutlined />} onClick={() => setDialog('edit')}>{t('编辑', 'Edit')}</Button>}
            {can('card.issue') && <Button onClick={() => setDialog('issue')} data-testid="issue-card">{t('发卡', 'Issue card')}</Button>}
            {can('stored-value.recharge') && <Button type="primary" disabled={activeCards.length === 0} onClick={() => setDialog('recharge')} data-testid="recharge">{t('充值', 'Recharge')}</Button>}
            {can('stored-value.adjust') && <Button disabled={activeCards.length === 0} onClick={() => setDialog('adjust')} data-testid="adjust">{t('调整', 'Adjust')}</Button>}
          </Space>
        }
      >
        <Row gutter={16}>
          <Col span={6}><Statistic title={t('储值本金', 'Principal')} value={yuan(m.storedValue.principalFen)} valueStyle={{ fontSize: 20 }} /><span data-testid="principal" hidden>{m.storedValue.principalFen}</span></Col>
          <Col span={6}><Statistic title={t('赠送金', 'Bonus')} value={yuan(m.storedValue.bonusFen)} valueStyle={{ fontSize: 20 }} /><span data-testid="bonus" hidden>{m.storedValue.bonusFen}</span></Col>
          <Col span={6}><Statistic title={t('积分', 'Points')} value={m.points.balance} valueStyle={{ fontSize: 20 }} /><span data-testid="points" hidden>{m.points.balance}</span></Col>
          <Col span={6}><Statistic title={t('成长值', 'Growth')} value={m.growth} valueStyle={{ fontSize: 20 }} /></Col>
        </Row>
        <Descriptions size="small" column={3} style={{ marginTop: 16 }}>
          <Descriptions.Item label={t('手机号', 'Phone')}><span data-testid="member-phone">{m.phone ?? '—'}</span></Descriptions.Item>
          <Descriptions.Item label={t('性别', 'Gender')}>{m.gender === 'female' ? t('女', 'female') : m.gender === 'male' ? t('男', 'male') : '—'}</Descriptions.Item>
          <Descriptions.Item label={t('生日', 'Birthday')}>{m.birthday ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('门店', 'Store')}>{session.storeName(m.storeId)}</Descriptions.Item>
          <Descriptions.Item label={t('地址', 'Address')}>{m.address ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('入会时间', 'Joined')}>{dateTime(m.createdAt)}</Descriptions.Item>
          {(attributes.data ?? []).map((a) => (
            <Descriptions.Item key={a.key} label={lang === 'zh' ? a.labelZh : a.labelEn}>{m.attributes[a.key] ?? '—'}</Descriptions.Item>
          ))}
        </Descriptions>
        <Space wrap style={{ marginTop: 8 }}>
          {m.tags.map((tag) => (
            <Tag key={tag} closable={can('member.write')} onClose={(e) => { e.preventDefault(); void changeTags({ remove: [tag] }); }}>{tag}</Tag>
          ))}
          {can('member.write') && (
            <Input size="small" style={{ width: 140 }} placeholder={t('+ 标签', '+ tag')} value={newTag} onChange={(e) => setNewTag(e.target.value)} onPressEnter={() => newTag.trim() && changeTags({ add: [newTag.trim()] })} />
          )}
        </Space>
      </Card>

      <Card>
        <Tabs
          items={[
            {
              key: 'cards',
              label: t('会员卡', 'Cards'),
              children: (
                <Table
                  rowKey="cardNo"
                  size="small"
                  pagination={false}
                  dataSource={m.cards}
                  data-testid="member-cards"
                  columns={[
                    { title: t('卡号', 'Card'), dataIndex: 'cardNo', render: (v: string) => <a onClick={() => navigate('cards', v)}>{v}</a> },
                    { title: t('卡类型', 'Type'), dataIndex: 'cardTypeId', render: typeName },
                    { title: t('状态', 'Status'), dataIndex: 'status', render: (s: string) => <Tag color={CARD_STATUS[s]?.[2]}>{CARD_STATUS[s]?.[lang === 'zh' ? 0 : 1] ?? s}</Tag> },
                    { title: t('主卡', 'Main card'), dataIndex: 'mainCardNo', render: (v: string | null) => v ?? '—' },
                    { title: t('本金', 'Principal'), dataIndex: 'principalFen', render: yuan },
                    { title: t('赠送金', 'Bonus'), dataIndex: 'bonusFen', render: yuan },
                  ]}
                />
              ),
            },
            {
              key: 'points',
              label: t('积分批次', 'Points lots'),
              children: (
                <Table rowKey="lotId" size="small" pagination={false} dataSource={m.points.lots} columns={[
                  { title: t('批次', 'Lot'), dataIndex: 'lotId' },
                  { title: t('积分', 'Points'), dataIndex: 'points' },
                  { title: t('到期日', 'Expires on'), dataIndex: 'expiresOn', render: (v: string | null) => v ?? t('不过期', 'never') },
                ]} />
              ),
            },
            {
              key: 'growth',
              label: t('等级与成长值', 'Tier & growth'),
              children: (
                <Table rowKey="id" size="small" pagination={false} dataSource={m.growthHistory} columns={[
                  { title: t('时间', 'Time'), dataIndex: 'createdAt', render: dateTime },
                  { title: t('来源', 'Source'), dataIndex: 'source' },
                  { title: t('变动', 'Change'), dataIndex: 'delta' },
                  { title: t('变动后', 'After'), dataIndex: 'growthAfter' },
                  { title: t('等级', 'Tier'), key: 'tier', render: (_: unknown, r: MemberDetail['growthHistory'][number]) => (r.tierBefore === r.tierAfter ? (r.tierAfter ?? '—') : `${r.tierBefore ?? '—'} → ${r.tierAfter ?? '—'}`) },
                ]} />
              ),
            },
            {
              key: 'orders',
              label: t('订单', 'Orders'),
              children: (
                <Table rowKey="eventId" size="small" pagination={false} dataSource={m.orders} columns={[
                  { title: t('时间', 'Time'), dataIndex: 'occurredAt' },
                  { title: t('小票号', 'Receipt'), dataIndex: 'receiptNo' },
                  { title: t('类型', 'Type'), dataIndex: 'type', render: (v: string) => (v === 'saleCommitted' ? t('销售', 'Sale') : t('退货', 'Refund')) },
                  { title: t('门店', 'Store'), dataIndex: 'storeId', render: (v: string) => session.storeName(v) },
                  { title: t('金额', 'Amount'), dataIndex: 'amountFen', render: yuan },
                  { title: t('积分', 'Points'), dataIndex: 'pointsEarned' },
                ]} />
              ),
            },
            {
              key: 'ledger',
              label: t('储值积分流水', 'Ledger'),
              children: <MemberLedger memberId={m.id} refreshKey={refresh} />,
            },
            {
              key: 'notes',
              label: t('回访记录', 'Follow-up notes'),
              children: (
                <>
                  {can('member.write') && (
                    <Space.Compact style={{ width: '100%', marginBottom: 12 }}>
                      <Input value={note} onChange={(e) => setNote(e.target.value)} placeholder={t('添加回访记录', 'Add a follow-up note')} onPressEnter={addNote} data-testid="note-input" />
                      <Button type="primary" icon={<PlusOutlined />} onClick={addNote} data-testid="note-add">{t('添加', 'Add')}</Button>
                    </Space.Compact>
                  )}
                  <List size="small" dataSource={m.notes} renderItem={(n) => <List.Item><Typography.Text>{n.body}</Typography.Text><Typography.Text type="secondary">{dateTime(n.createdAt)}</Typography.Text></List.Item>} />
                </>
              ),
            },
            {
              key: 'coupons',
              label: t('优惠券与提醒', 'Coupons & reminders'),
              children: (
                <>
                  {can('marketing.read') ? <MemberCoupons memberId={m.id} /> : <Alert type="info" message={t('您的角色不能查看优惠券', 'Your role cannot see coupons')} />}
                  {hq ? <MemberReminders memberId={m.id} /> : <Alert style={{ marginTop: 12 }} type="info" showIcon message={t('生日与纪念日提醒由总部查看。', 'Birthday and anniversary reminders are HQ’s.')} />}
                </>
              ),
            },
          ]}
        />
      </Card>

      <RechargeModal open={dialog === 'recharge'} cardNos={activeCards} onClose={() => setDialog(null)} onDone={() => { void message.success(t('充值成功', 'Recharged')); reload(); }} />
      <AdjustModal open={dialog === 'adjust'} cardNos={activeCards} onClose={() => setDialog(null)} onDone={() => { void message.success(t('已调整', 'Adjusted')); reload(); }} />
      <MemberFormModal open={dialog === 'edit'} member={m} onClose={() => setDialog(null)} onSaved={reload} />
      <IssueCardModal open={dialog === 'issue'} memberId={m.id} mainCards={activeCards} cardTypes={cardTypes.data ?? []} onClose={() => setDialog(null)} onDone={reload} />
    </Space>
  );
}

/** How far back the member's reminders are listed (days): the list is by day, so this bounds the read. */
const REMINDER_DAYS = 31;

interface Reminder {
  kind: 'birthday' | 'anniversary';
  date: string;
  eventDate: string;
  couponId: string | null;
}

/** The member's birthday and anniversary reminders of the last month and the days ahead, upcoming ones first marked. */
function MemberReminders({ memberId }: { memberId: string }) {
  const t = useT();
  const today = localDay(new Date());
  const since = localDay(new Date(Date.now() - REMINDER_DAYS * 86_400_000));
  const rows = useLoad(() => get<{ items: Reminder[] }>(`/v1/analytics/reminders${qs({ memberId, since, limit: 20 })}`).then((r) => r.items), [memberId, since]);
  const kindText = (k: string) => (k === 'birthday' ? t('生日', 'Birthday') : t('纪念日', 'Anniversary'));
  const upcoming = (rows.data ?? []).filter((r) => r.eventDate >= today);
  return (
    <div style={{ marginTop: 12 }}>
      <Typography.Title level={5}>{t('提醒', 'Reminders')}</Typography.Title>
      <ErrorAlert error={rows.error} />
      {rows.data && (
        <Typography.Paragraph data-testid="member-upcoming">
          {upcoming.length === 0
            ? t('近期没有生日或纪念日提醒。', 'No birthday or anniversary coming up.')
            : upcoming.map((r) => t(`即将到来：${kindText(r.kind)} ${r.eventDate}`, `Coming up: ${kindText(r.kind)} ${r.eventDate}`)).join('；')}
        </Typography.Paragraph>
      )}
      <Table<Reminder> size="small" rowKey={(r) => `${r.date}:${r.kind}`} pagination={false} loading={rows.loading} dataSource={rows.data ?? []} data-testid="member-reminders"
        locale={{ emptyText: t(`最近 ${REMINDER_DAYS} 天没有提醒（提醒任务每日生成）`, `No reminders in the last ${REMINDER_DAYS} days (the reminders job makes them daily)`) }}
        columns={[
          { title: t('提醒日', 'Listed on'), dataIndex: 'date' },
          { title: t('类型', 'Kind'), dataIndex: 'kind', render: kindText },
          { title: t('日期', 'Date'), dataIndex: 'eventDate' },
          { title: t('状态', 'State'), key: 's', render: (_: unknown, r) => (r.eventDate >= today ? <Tag color="orange">{t('即将到来', 'upcoming')}</Tag> : <Tag>{t('已过', 'past')}</Tag>) },
          { title: t('券', 'Coupon'), dataIndex: 'couponId', render: (v: string | null) => (v ? <Tag color="green">{t('已发', 'issued')}</Tag> : '—') },
        ]} />
    </div>
  );
}

/** The member's segment in the newest RFM run, or nothing when the job has not run or the member has no row. */
function MemberSegment({ memberId }: { memberId: string }) {
  const t = useT();
  const lang = useLang();
  const row = useLoad(async () => {
    const runs = await get<{ items: { periodKey: string; outcome: string }[] }>(`/v1/jobs/runs${qs({ job: 'rfm-segments', limit: 20 })}`);
    const period = runs.items.find((r) => r.outcome === 'succeeded')?.periodKey;
    if (!period) return null;
    const r = await get<{ items: { segment: string; recencyDays: number; frequency: number; monetaryFen: number }[] }>(`/v1/analytics/rfm${qs({ period, memberId, limit: 1 })}`);
    return r.items[0] ? { period, ...r.items[0] } : null;
  }, [memberId]);
  if (!row.data) return null;
  const d = row.data;
  return (
    <Tag color="purple" data-testid="member-segment" title={t(`RFM ${d.period}：${d.recencyDays} 天前消费，${d.frequency} 次，${yuan(d.monetaryFen)}`, `RFM ${d.period}: last purchase ${d.recencyDays} days ago, ${d.frequency} purchases, ${yuan(d.monetaryFen)}`)}>
      {SEGMENTS[d.segment]?.[lang === 'zh' ? 0 : 1] ?? d.segment}
    </Tag>
  );
}

const COUPON_STATUS: Record<string, [string, string, string]> = { issued: ['未使用', 'unused', 'blue'], redeemed: ['已使用', 'redeemed', 'green'], expired: ['已过期', 'expired', 'default'], void: ['已作废', 'void', 'red'] };

interface MemberCoupon {
  id: string;
  code: string;
  definitionId: string;
  status: string;
  validFrom: string;
  validUntil: string;
  redeemedAt: number | null;
  redeemedDiscountFen: number | null;
}

function MemberCoupons({ memberId }: { memberId: string }) {
  const t = useT();
  const lang = useLang();
  const coupons = useLoad(() => get<{ items: MemberCoupon[] }>(`/v1/marketing/members/${memberId}/coupons`).then((r) => r.items), [memberId]);
  return (
    <>
      <ErrorAlert error={coupons.error} />
      <Table<MemberCoupon> size="small" rowKey="id" pagination={false} loading={coupons.loading} dataSource={coupons.data ?? []} columns={[
        { title: t('券码', 'Code'), dataIndex: 'code' },
        { title: t('券', 'Coupon'), dataIndex: 'definitionId' },
        { title: t('状态', 'Status'), dataIndex: 'status', render: (v: string) => <Tag color={COUPON_STATUS[v]?.[2]}>{COUPON_STATUS[v]?.[lang === 'zh' ? 0 : 1] ?? v}</Tag> },
        { title: t('有效期', 'Valid'), key: 'valid', render: (_: unknown, r) => `${r.validFrom.slice(0, 10)} → ${r.validUntil.slice(0, 10)}` },
        { title: t('使用', 'Redeemed'), key: 'used', render: (_: unknown, r) => (r.redeemedAt ? `${dateTime(r.redeemedAt)} −${yuan(r.redeemedDiscountFen ?? 0)}` : '—') },
      ]} />
    </>
  );
}

function IssueCardModal({ open, memberId, mainCards, cardTypes, onClose, onDone }: { open: boolean; memberId: string; mainCards: string[]; cardTypes: CardType[]; onClose: () => void; onDone: () => void }) {
  const t = useT();
  const lang = useLang();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    const v = (await form.validateFields()) as { cardTypeId: string; cardNo?: string; mainCardNo?: string };
    setBusy(true);
    try {
      await post('/v1/cards', { memberId, cardTypeId: v.cardTypeId, ...(v.cardNo ? { cardNo: v.cardNo } : {}), ...(v.mainCardNo ? { mainCardNo: v.mainCardNo } : {}) });
      onDone();
      onClose();
    } catch (e) {
      toastError(e, lang);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open={open} title={t('发卡', 'Issue a card')} onCancel={onClose} onOk={submit} confirmLoading={busy} destroyOnHidden>
      <Form form={form} layout="vertical">
        <Form.Item label={t('卡类型', 'Card type')} name="cardTypeId" rules={[{ required: true }]}>
          <Select options={cardTypes.map((c) => ({ value: c.id, label: `${c.name} (${c.kind})` }))} />
        </Form.Item>
        <Form.Item label={t('卡号（不填则用手机号作电子卡号）', 'Card number (empty: the phone as e-card number)')} name="cardNo">
          <Input />
        </Form.Item>
        <Form.Item label={t('主卡（副卡共用主卡余额）', 'Main card (a linked card shares its balance)')} name="mainCardNo">
          <Select allowClear options={mainCards.map((c) => ({ value: c, label: c }))} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
