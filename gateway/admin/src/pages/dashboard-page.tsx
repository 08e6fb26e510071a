// Dashboard: today's and this month's sales, member share of sales, stored-value and points
// liability, top stores, from the gateway's reports (in the signed-in role's scope).
import { Card, Col, Row, Statistic, Typography } from 'antd';
import { get } from '../api.js';
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
}

/** Business dates are the stores' local dates; the tills default to Asia/Shanghai. */
const BUSINESS_TIME_ZONE = 'Asia/Shanghai';
function businessDay(ms: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: BUSINESS_TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(ms));
}

export function DashboardPage() {
  const t = useT();
  const lang = useLang();
  const today = businessDay(Date.now());
  const monthStart = `${today.slice(0, 8)}01`;
  const summary = useLoad(() => get<Summary>('/v1/reports/summary'), []);
  const todaySales = useReport('sales-by-store', { from: today, to: today });
  const monthSales = useReport('sales-by-store', { from: monthStart, to: today });
  const figure = (r: typeof todaySales, key: string) => (r.data?.totals ? Number(r.data.totals[key] ?? 0) : null);
  const s = summary.data;
  return (
    <div>
      <Typography.Title level={4} style={{ marginTop: 0 }}>{t('经营概览', 'Dashboard')}</Typography.Title>
      <ErrorAlert error={summary.error} />
      <Row gutter={[16, 16]}>
        <Col span={6}><Card><div data-testid="kpi-today"><Statistic title={t('今日实收净额', "Today's net sales")} value={figure(todaySales, 'netFen') === null ? '—' : yuan(figure(todaySales, 'netFen'))} /></div><Typography.Text type="secondary">{t('笔数', 'sales')} {figure(todaySales, 'sales') ?? '—'}</Typography.Text></Card></Col>
        <Col span={6}><Card><Statistic title={t('本月实收净额', 'Net sales this month')} value={figure(monthSales, 'netFen') === null ? '—' : yuan(figure(monthSales, 'netFen'))} /><Typography.Text type="secondary">{t('笔数', 'sales')} {figure(monthSales, 'sales') ?? '—'}</Typography.Text></Card></Col>
        <Col span={6}><Card><Statistic title={t('会员数', 'Members')} value={s?.members ?? '—'} data-testid="kpi-members" /><Typography.Text type="secondary">{t('会员卡', 'cards')} {s?.cards ?? '—'}</Typography.Text></Card></Col>
        <Col span={6}><Card><Statistic title={t('储值负债', 'Stored-value liability')} value={s ? yuan(s.storedValue.principalFen + s.storedValue.bonusFen) : '—'} /><Typography.Text type="secondary">{t('积分负债', 'points owed')} {s?.pointsOutstanding ?? '—'}</Typography.Text></Card></Col>
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
          <Card title={t('本月门店排行', 'Top stores this month')}>
            <ReportBlock name="sales-by-store" params={{ from: monthStart, to: today }} chart={{ kind: 'bar', category: 'storeName', series: ['netFen'] }} columns={['storeName', 'sales', 'netFen']} />
          </Card>
        </Col>
        <Col span={12}>
          <Card title={t('储值与积分负债', 'Stored-value and points liability')}>
            {s ? (
              <Chart
                testId="chart-liability"
                height={240}
                option={{
                  tooltip: { trigger: 'item' },
                  legend: { bottom: 0 },
                  series: [{ type: 'pie', radius: ['40%', '70%'], data: [{ name: lang === 'zh' ? '储值本金' : 'Principal', value: s.storedValue.principalFen / 100 }, { name: lang === 'zh' ? '赠送金' : 'Bonus', value: s.storedValue.bonusFen / 100 }] }],
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
