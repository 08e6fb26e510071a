// Marketing and analytics: RFM segments and their movement, the churn wake-up list and the birthday
// list (results of the gateway's HQ jobs, /v1/jobs and /v1/analytics), coupon campaigns with their
// effect report (/v1/marketing). A job that has not run yet is said so, never filled with numbers.
import { Alert, Button, Card, Col, Descriptions, Empty, Row, Space, Table, Tag, Typography, message } from 'antd';
import { useState } from 'react';
import { get, post, qs } from '../api.js';
import { Chart } from '../charts.js';
import { ErrorAlert, isMissingApi, toastError } from '../errors.js';
import { dateTime, yuan } from '../format.js';
import { useLang, useT } from '../i18n.js';
import { navigate } from '../router.js';
import { ReportBlock } from '../report-view.js';
import { CampaignForm } from '../campaign-form.js';
import { SEGMENTS, localDay } from '../segments.js';
import { useCan, useSession } from '../session.js';
import { useLoad } from '../use-load.js';

interface JobRun {
  id: string;
  job: string;
  periodKey: string;
  outcome: 'running' | 'succeeded' | 'failed';
  finishedAt: number | null;
  rowsTouched: number;
}
interface RfmRow {
  memberId: string;
  name: string;
  phoneMasked: string | null;
  recencyDays: number;
  frequency: number;
  monetaryFen: number;
  segment: string;
  frequencyThisPeriod: number;
  frequencyPreviousPeriod: number;
}
interface Campaign {
  id: string;
  name: string;
  couponDefId: string;
  status: string;
  targetCount: number;
  holdoutCount: number;
  issuedCount: number;
  validFrom: string;
  validUntil: string;
  createdAt: number;
}
interface Effect {
  issued: number;
  redeemed: number;
  redemptionRate: number;
  couponDiscountFen: number;
  ordersWithCoupon: number;
  revenueWithCouponFen: number;
  target: { members: number; purchasers: number; purchaseRate: number; revenueFen: number; revenuePerMemberFen: number };
  holdout: { members: number; purchasers: number; purchaseRate: number; revenueFen: number; revenuePerMemberFen: number } | null;
  lift: { revenuePerMemberFen: number; purchaseRate: number } | null;
}

/** The period of the newest successful run of a job, or null when it has not run. */
function useLatestRun(job: string) {
  return useLoad(() => get<{ items: JobRun[] }>(`/v1/jobs/runs${qs({ job, limit: 20 })}`).then((r) => r.items.find((x) => x.outcome === 'succeeded') ?? null), [job]);
}

function JobMissing({ job, onRan }: { job: string; onRan: () => void }) {
  const t = useT();
  const lang = useLang();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      await post(`/v1/jobs/${job}/run`, {});
      void message.success(t('已运行', 'Job ran'));
      onRan();
    } catch (e) {
      toastError(e, lang);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Alert
      type="info"
      showIcon
      message={t(`任务 ${job} 尚未成功运行，暂无结果。`, `The ${job} job has not run successfully yet: no results.`)}
      action={<Button size="small" loading={busy} onClick={run}>{t('立即运行', 'Run now')}</Button>}
    />
  );
}

function RfmCard() {
  const t = useT();
  const lang = useLang();
  const run = useLatestRun('rfm-segments');
  const period = run.data?.periodKey;
  const rows = useLoad(() => (period ? get<{ items: RfmRow[] }>(`/v1/analytics/rfm${qs({ period, limit: 200 })}`).then((r) => r.items) : Promise.resolve(null)), [period]);
  const name = (s: string) => SEGMENTS[s]?.[lang === 'zh' ? 0 : 1] ?? s;
  const counts = Object.keys(SEGMENTS).map((s) => {
    const inSeg = (rows.data ?? []).filter((r) => r.segment === s);
    return {
      segment: s,
      members: inSeg.length,
      up: inSeg.filter((r) => r.frequencyThisPeriod > r.frequencyPreviousPeriod).length,
      down: inSeg.filter((r) => r.frequencyThisPeriod < r.frequencyPreviousPeriod).length,
    };
  });
  return (
    <Card title={t('RFM 分群与变化', 'RFM segments and movement')} size="small" extra={period && <Tag>{t('周期', 'period')} {period}</Tag>}>
      {run.error ? <ErrorAlert error={run.error} /> : run.loading ? null : !run.data ? <JobMissing job="rfm-segments" onRan={run.reload} /> : (
        <>
          <ErrorAlert error={rows.error} />
          <Chart
            height={240}
            testId="chart-rfm"
            option={{
              tooltip: { trigger: 'axis' },
              legend: { bottom: 0 },
              grid: { left: 40, right: 10, top: 10, bottom: 70 },
              xAxis: { type: 'category', data: counts.map((c) => name(c.segment)), axisLabel: { rotate: 30 } },
              yAxis: { type: 'value' },
              series: [
                { type: 'bar', name: t('会员数', 'members'), data: counts.map((c) => c.members) },
                { type: 'bar', name: t('消费频次上升', 'buying more often'), data: counts.map((c) => c.up) },
                { type: 'bar', name: t('消费频次下降', 'buying less often'), data: counts.map((c) => c.down) },
              ],
            }}
          />
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('本页最多统计 200 位会员；变化为本期与上期消费次数之比较。', 'Counts cover up to 200 members; movement compares purchases this period with the previous one.')}</Typography.Text>
        </>
      )}
    </Card>
  );
}

function ChurnCard() {
  const t = useT();
  const run = useLatestRun('churn');
  const period = run.data?.periodKey;
  const rows = useLoad(() => (period ? get<{ items: { memberId: string; name: string; phoneMasked: string | null; previousFrequency: number; frequency: number; lastPurchaseDate: string | null }[] }>(`/v1/analytics/churn${qs({ period, limit: 100 })}`).then((r) => r.items) : Promise.resolve(null)), [period]);
  return (
    <Card title={t('流失唤醒名单', 'Churn wake-up list')} size="small" extra={period && <Tag>{period}</Tag>}>
      {run.error ? <ErrorAlert error={run.error} /> : run.loading ? null : !run.data ? <JobMissing job="churn" onRan={run.reload} /> : (
        <Table size="small" rowKey="memberId" pagination={{ pageSize: 8 }} dataSource={rows.data ?? []} columns={[
          { title: t('会员', 'Member'), dataIndex: 'name', render: (v: string, r: { memberId: string }) => <a onClick={() => navigate('members', r.memberId)}>{v}</a> },
          { title: t('手机', 'Phone'), dataIndex: 'phoneMasked' },
          { title: t('上期次数', 'Before'), dataIndex: 'previousFrequency' },
          { title: t('本期次数', 'Now'), dataIndex: 'frequency' },
          { title: t('最近消费', 'Last purchase'), dataIndex: 'lastPurchaseDate', render: (v: string | null) => v ?? '—' },
        ]} />
      )}
    </Card>
  );
}

function BirthdayCard() {
  const t = useT();
  const today = localDay(new Date());
  const rows = useLoad(() => get<{ items: { memberId: string; name: string; phoneMasked: string | null; eventDate: string; couponId: string | null }[] }>(`/v1/analytics/reminders${qs({ date: today, kind: 'birthday', limit: 100 })}`).then((r) => r.items), [today]);
  return (
    <Card title={t('今日生日名单', "Today's birthday list")} size="small">
      {rows.error ? (isMissingApi(rows.error) ? <Alert type="warning" message={t('网关尚未提供生日名单接口', 'The gateway has no birthday list API yet')} /> : <ErrorAlert error={rows.error} />) : (
        <Table size="small" rowKey="memberId" pagination={{ pageSize: 8 }} loading={rows.loading} dataSource={rows.data ?? []} locale={{ emptyText: t('今日没有提醒（提醒任务每日生成）', 'No reminders today (the reminders job makes them daily)') }} columns={[
          { title: t('会员', 'Member'), dataIndex: 'name', render: (v: string, r: { memberId: string }) => <a onClick={() => navigate('members', r.memberId)}>{v}</a> },
          { title: t('手机', 'Phone'), dataIndex: 'phoneMasked' },
          { title: t('日期', 'Date'), dataIndex: 'eventDate' },
          { title: t('生日券', 'Coupon'), dataIndex: 'couponId', render: (v: string | null) => (v ? <Tag color="green">{t('已发', 'issued')}</Tag> : '—') },
        ]} />
      )}
    </Card>
  );
}

const STATUS: Record<string, [string, string]> = { created: ['未发券', 'not issued'], targeting: ['圈选中', 'targeting'], issuing: ['发券中', 'issuing'], issued: ['已发券', 'issued'] };

interface IssueResult {
  status: string;
  targetCount: number;
  holdoutCount: number;
  issuedCount: number;
  newlyIssued: number;
}

function CampaignsCard() {
  const t = useT();
  const lang = useLang();
  const can = useCan();
  const session = useSession();
  const campaigns = useLoad(() => get<{ items: (Campaign & { storeId: string | null })[] }>('/v1/marketing/campaigns?limit=50').then((r) => r.items), []);
  const [selected, setSelected] = useState<string | null>(null);
  const [formOpen, setFormOpen] = useState(false);
  const [issuing, setIssuing] = useState(false);
  const [issued, setIssued] = useState<(IssueResult & { campaignId: string }) | null>(null);
  const effect = useLoad(() => (selected ? get<Effect>(`/v1/marketing/campaigns/${selected}/effect`) : Promise.resolve(null)), [selected, issued]);
  const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
  const current = (campaigns.data ?? []).find((c) => c.id === selected) ?? null;
  const issue = async () => {
    if (!selected) return;
    setIssuing(true);
    try {
      const r = await post<IssueResult>(`/v1/marketing/campaigns/${selected}/issue`, {});
      setIssued({ ...r, campaignId: selected });
      campaigns.reload();
    } catch (e) {
      toastError(e, lang);
    } finally {
      setIssuing(false);
    }
  };
  return (
    <Card title={t('优惠券活动与效果', 'Coupon campaigns and their effect')} size="small" extra={can('marketing.write') && <Button size="small" type="primary" data-testid="campaign-new" onClick={() => setFormOpen(true)}>{t('新建活动', 'New campaign')}</Button>}>
      <CampaignForm open={formOpen} segments={SEGMENTS} onClose={() => setFormOpen(false)} onCreated={(id) => { setFormOpen(false); setIssued(null); setSelected(id); campaigns.reload(); }} />
      <ErrorAlert error={campaigns.error} />
      <Table data-testid="campaigns-table" size="small" rowKey="id" pagination={{ pageSize: 6 }} loading={campaigns.loading} dataSource={campaigns.data ?? []} rowClassName={(r) => (r.id === selected ? 'ant-table-row-selected' : '')} onRow={(r) => ({ onClick: () => { setIssued(null); setSelected(r.id); }, style: { cursor: 'pointer' } })} locale={{ emptyText: <Empty description={t('还没有券活动', 'No coupon campaigns yet')} /> }} columns={[
        { title: t('名称', 'Name'), dataIndex: 'name' },
        { title: t('券', 'Coupon'), dataIndex: 'couponDefId' },
        { title: t('门店', 'Store'), dataIndex: 'storeId', render: (v: string | null) => (v ? session.storeName(v) : t('全部', 'all')) },
        { title: t('状态', 'Status'), dataIndex: 'status', render: (v: string) => <Tag color={v === 'issued' ? 'green' : undefined}>{STATUS[v] ? t(...STATUS[v]) : v}</Tag> },
        { title: t('目标/对照/已发', 'Target / holdout / issued'), key: 'n', render: (_: unknown, r: Campaign) => `${r.targetCount} / ${r.holdoutCount} / ${r.issuedCount}` },
        { title: t('有效期', 'Valid'), key: 'v', render: (_: unknown, r: Campaign) => `${localDay(new Date(r.validFrom))} → ${localDay(new Date(r.validUntil))}` },
        { title: t('创建', 'Created'), dataIndex: 'createdAt', render: dateTime },
      ]} />
      {selected && (
        <div style={{ marginTop: 12 }}>
          {current && current.status !== 'issued' && can('marketing.write') && (
            <Space style={{ marginBottom: 8 }}>
              <Typography.Text>{t(`活动「${current.name}」尚未发券。`, `Campaign “${current.name}” has not been issued.`)}</Typography.Text>
              <Button type="primary" size="small" data-testid="campaign-issue" loading={issuing} onClick={issue}>{t('发券', 'Issue coupons')}</Button>
            </Space>
          )}
          {issued && issued.campaignId === selected && (
            <Alert type="success" showIcon style={{ marginBottom: 8 }} data-testid="campaign-issue-result" message={t(
              `目标 ${issued.targetCount} 人，对照组 ${issued.holdoutCount} 人，已发券 ${issued.issuedCount} 张（本次新发 ${issued.newlyIssued} 张）`,
              `Target ${issued.targetCount} members, holdout ${issued.holdoutCount}, coupons issued ${issued.issuedCount} (${issued.newlyIssued} new)`,
            )} />
          )}
          <ErrorAlert error={effect.error} />
          {effect.data && (
            <Descriptions data-testid="campaign-effect" size="small" bordered column={3} title={t('效果报告', 'Effect report')}>
              <Descriptions.Item label={t('发券', 'Issued')}><span data-testid="effect-issued">{effect.data.issued}</span></Descriptions.Item>
              <Descriptions.Item label={t('核销', 'Redeemed')}><span data-testid="effect-redeemed">{effect.data.redeemed} ({pct(effect.data.redemptionRate)})</span></Descriptions.Item>
              <Descriptions.Item label={t('目标组 / 对照组人数', 'Target / holdout members')}><span data-testid="effect-groups">{effect.data.target.members} / {effect.data.holdout?.members ?? 0}</span></Descriptions.Item>
              <Descriptions.Item label={t('券抵扣', 'Coupon discount')}>{yuan(effect.data.couponDiscountFen)}</Descriptions.Item>
              <Descriptions.Item label={t('用券订单', 'Orders with coupon')}>{effect.data.ordersWithCoupon}</Descriptions.Item>
              <Descriptions.Item label={t('用券订单实收', 'Revenue with coupon')}>{yuan(effect.data.revenueWithCouponFen)}</Descriptions.Item>
              <Descriptions.Item label={t('目标组人均', 'Target per member')}>{yuan(effect.data.target.revenuePerMemberFen)}</Descriptions.Item>
              <Descriptions.Item label={t('对照组人均', 'Holdout per member')}>{effect.data.holdout ? yuan(effect.data.holdout.revenuePerMemberFen) : '—'}</Descriptions.Item>
              <Descriptions.Item label={t('人均提升', 'Lift per member')}>{effect.data.lift ? yuan(effect.data.lift.revenuePerMemberFen) : '—'}</Descriptions.Item>
              <Descriptions.Item label={t('购买率提升', 'Purchase-rate lift')}>{effect.data.lift ? pct(effect.data.lift.purchaseRate) : '—'}</Descriptions.Item>
            </Descriptions>
          )}
        </div>
      )}
    </Card>
  );
}

export function AnalyticsPage() {
  const t = useT();
  const can = useCan();
  const session = useSession();
  const hq = session.staff.role === 'hq_admin';
  return (
    <div>
      <Typography.Title level={4} style={{ marginTop: 0 }}>{t('营销与分析', 'Marketing & analytics')}</Typography.Title>
      <Row gutter={[16, 16]}>
        {hq ? (
          <>
            <Col span={12}><RfmCard /></Col>
            <Col span={12}><ChurnCard /></Col>
            <Col span={12}><BirthdayCard /></Col>
          </>
        ) : (
          <Col span={24}><Alert type="info" message={t('RFM、流失与生日名单由总部查看。', 'RFM, churn and birthday lists are HQ’s.')} /></Col>
        )}
        {can('marketing.read') && <Col span={hq ? 12 : 24}><CampaignsCard /></Col>}
        <Col span={12}>
          <Card title={t('会员等级分布', 'Tier distribution')} size="small">
            <ReportBlock name="tier-distribution" params={{}} chart={{ kind: 'bar', category: 'tierName', series: ['members'] }} />
          </Card>
        </Col>
      </Row>
      <Space />
    </div>
  );
}
