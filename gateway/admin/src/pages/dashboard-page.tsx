// Dashboard: today's and this month's sales, members added, member share of sales, stored-value and
// points liability, top stores, all from the gateway's reports (/v1/reports/*, in the signed-in
// role's scope). A figure not loaded yet shows "—", never a made-up number.
import { Card, Col, Row, Statistic, Typography } from 'antd';
import { get, qs } from '../api.js';
import { Chart } from '../charts.js';
import { ErrorAlert } from '../errors.js';
import { yuan } from '../format.js';
import { useLang, useT } from '../i18n.js';
import { ReportBlock, useReport } from '../report-view.js';
import { useLoad } from '../use-load.js';

interface Summary {
  members: number;
  cards: number;
  storedValue: { principalFen: number; bonusFen: number };
  pointsOutstanding: number;
  membersAdded?: number;
}

/** Business dates are the stores' local dates; the tills default to Asia/Shanghai (UTC+8, no DST). */
const BUSINESS_TIME_ZONE = 'Asia/Shanghai';
const BUSINESS_OFFSET = '+08:00';
function businessDay(ms: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: BUSINESS_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
}

export function DashboardPage() {
  const t = useT();
  const lang = useLang();
  const today = businessDay(Date.now());
  const monthStart = `${today.slice(0, 8)}01`;
  // Members who joined this month and today: the summary counts them on its pass over the members.
  const summary = useLoad(() => get<Summary>(`/v1/reports/summary${qs({ addedSince: `${monthStart}T00:00:00${BUSINESS_OFFSET}` })}`), [monthStart]);
  const addedToday = useLoad(() => get<Summary>(`/v1/reports/summary${qs({ addedSince: `${today}T00:00:00${BUSINESS_OFFSET}` })}`).then((r) => r.membersAdded ?? null), [today]);
  const todaySales = useReport('sales-by-store', { from: today, to: today });
  const monthSales = useReport('sales-by-store', { from: monthStart, to: today });
  const share = useReport('member-share', { from: monthStart, to: today });
  const liability = useReport('liability', {});
  const figure = (r: typeof todaySales, key: string) => (r.data?.totals ? Number(r.data.totals[key] ?? 0) : null);
  const money = (fen: number | null) => (fen === null ? '—' : yuan(fen));
  const memberRow = share.data?.rows.find((r) => r.customers === 'member') ?? null;
  const s = summary.data;
  const owed = liability.data?.totals ?? null;
  return (
    <div>
      <Typography.Title level={4} style={{ marginTop: 0 }}>{t('经营概览', 'Dashboard')}</Typography.Title>
      <ErrorAlert error={summary.error ?? todaySales.error ?? monthSales.error ?? share.error ?? liability.error} />
      <Row gutter={[16, 16]}>
        <Col span={8}><Card><div data-testid="kpi-today"><Statistic title={t('今日实收净额', "Today's net sales")} value={money(figure(todaySales, 'netFen'))} /></div><Typography.Text type="secondary" data-testid="kpi-today-sales">{t('笔数', 'sales')} {figure(todaySales, 'sales') ?? '—'}</Typography.Text></Card></Col>
        <Col span={8}><Card><div data-testid="kpi-month"><Statistic title={t('本月实收净额', 'Net sales this month')} value={money(figure(monthSales, 'netFen'))} /></div><Typography.Text type="secondary" data-testid="kpi-month-sales">{t('笔数', 'sales')} {figure(monthSales, 'sales') ?? '—'}</Typography.Text></Card></Col>
        <Col span={8}>
          <Card>
            <div data-testid="kpi-member-share"><Statistic title={t('本月会员消费占比', 'Member share of net sales this month')} value={memberRow ? `${Number(memberRow.netSharePct).toFixed(2)}%` : '—'} /></div>
            <Typography.Text type="secondary">{t('会员笔数', 'member sales')} {memberRow ? String(memberRow.sales) : '—'}</Typography.Text>
          </Card>
        </Col>
        <Col span={8}>
          <Card>
            <div data-testid="kpi-members"><Statistic title={t('会员数', 'Members')} value={s?.members ?? '—'} /></div>
            <Typography.Text type="secondary" data-testid="kpi-added">{t('今日新增', 'joined today')} {addedToday.data ?? '—'} · {t('本月新增', 'this month')} {s?.membersAdded ?? '—'} · {t('会员卡', 'cards')} {s?.cards ?? '—'}</Typography.Text>
          </Card>
        </Col>
        <Col span={8}>
          <Card>
            <div data-testid="kpi-liability"><Statistic title={t('储值负债', 'Stored-value liability')} value={owed ? yuan(Number(owed.storedValueFen ?? 0)) : '—'} /></div>
            <Typography.Text type="secondary">{t('本金', 'principal')} {owed ? yuan(Number(owed.principalFen ?? 0)) : '—'} · {t('赠送', 'bonus')} {owed ? yuan(Number(owed.bonusFen ?? 0)) : '—'}</Typography.Text>
          </Card>
        </Col>
        <Col span={8}>
          <Card>
            <div data-testid="kpi-points"><Statistic title={t('积分负债', 'Points owed')} value={owed ? Number(owed.points ?? 0) : '—'} /></div>
            <Typography.Text type="secondary">{t('折合', 'worth')} {owed ? yuan(Number(owed.pointsValueFen ?? 0)) : '—'}</Typography.Text>
          </Card>
        </Col>
        <Col span={12}>
          <Card title={t('本月每日销售', 'Sales by day this month')}>
            <ReportBlock name="sales-by-day" params={{ from: monthStart, to: today }} chart={{ kind: 'line', category: 'date', series: ['netFen'] }} table={false} />
          </Card>
        </Col>
        <Col span={12}>
          <Card title={t('本月会员消费占比', 'Member share of sales this month')}>
            <ReportBlock name="member-share" params={{ from: monthStart, to: today }} chart={{ kind: 'pie', category: 'segment', series: ['netFen'] }} columns={['segment', 'sales', 'netFen', 'netSharePct']} />
          </Card>
        </Col>
        <Col span={12}>
          <Card title={t('本月门店排行（前 10）', 'Top stores this month (10)')}>
            <div data-testid="top-stores">
              <ReportBlock name="sales-by-store" params={{ from: monthStart, to: today }} chart={{ kind: 'bar', category: 'storeName', series: ['netFen'] }} columns={['storeName', 'sales', 'netFen']} rankBy="netFen" top={10} />
            </div>
          </Card>
        </Col>
        <Col span={12}>
          <Card title={t('储值与积分负债', 'Stored-value and points liability')}>
            {owed ? (
              <Chart
                testId="chart-liability"
                height={240}
                option={{
                  tooltip: { trigger: 'item' },
                  legend: { bottom: 0 },
                  series: [{ type: 'pie', radius: ['40%', '70%'], data: [
                    { name: lang === 'zh' ? '储值本金' : 'Principal', value: Number(owed.principalFen ?? 0) / 100 },
                    { name: lang === 'zh' ? '赠送金' : 'Bonus', value: Number(owed.bonusFen ?? 0) / 100 },
                    { name: lang === 'zh' ? '积分折现' : 'Points value', value: Number(owed.pointsValueFen ?? 0) / 100 },
                  ] }],
                }}
              />
            ) : null}
            <ReportBlock name="liability" params={{}} columns={['storeName', 'points', 'principalFen', 'bonusFen']} />
          </Card>
        </Col>
      </Row>
    </div>
  );
}
