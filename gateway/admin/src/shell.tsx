// The console's frame: the menu (only the screens the role may use), who is signed in and where,
// the language switch, and the screen of the current route.
import { AuditOutlined, BarChartOutlined, ClusterOutlined, CreditCardOutlined, DashboardOutlined, ImportOutlined, LogoutOutlined, SettingOutlined, TeamOutlined, WalletOutlined } from '@ant-design/icons';
import { Button, Layout, Menu, Segmented, Space, Spin, Tag, Typography } from 'antd';
import { Suspense, lazy, useContext, type ComponentType, type ReactNode } from 'react';
import { LangContext, useT } from './i18n.js';
import { navigate, useRoute } from './router.js';
import { ROLE_NAMES, useSession } from './session.js';
import { MemberViewPage } from './pages/member-view-page.js';
import { MembersPage } from './pages/members-page.js';

// Screens with charts or long forms load on first use, so signing in and searching members does not
// wait for ECharts and the rule editor.
const named = <K extends string>(load: () => Promise<Record<K, ComponentType<any>>>, name: K) => lazy(() => load().then((m) => ({ default: m[name] })));
const AnalyticsPage = named(() => import('./pages/analytics-page.js'), 'AnalyticsPage');
const AuditPage = named(() => import('./pages/audit-page.js'), 'AuditPage');
const CardsPage = named(() => import('./pages/cards-page.js'), 'CardsPage');
const DashboardPage = named(() => import('./pages/dashboard-page.js'), 'DashboardPage');
const ImportExportPage = named(() => import('./pages/import-export-page.js'), 'ImportExportPage');
const OrganisationPage = named(() => import('./pages/organisation-page.js'), 'OrganisationPage');
const RulesPage = named(() => import('./pages/rules-page.js'), 'RulesPage');
const StoredValuePage = named(() => import('./pages/stored-value-page.js'), 'StoredValuePage');

interface Screen {
  key: string;
  icon: ReactNode;
  label: [string, string];
  /** Shown when the role may take any of these actions. */
  anyOf: string[];
}

const SCREENS: Screen[] = [
  { key: 'dashboard', icon: <DashboardOutlined />, label: ['经营概览', 'Dashboard'], anyOf: ['member.read'] },
  { key: 'members', icon: <TeamOutlined />, label: ['会员', 'Members'], anyOf: ['member.read'] },
  { key: 'cards', icon: <CreditCardOutlined />, label: ['会员卡', 'Cards'], anyOf: ['card.status', 'card.issue'] },
  { key: 'stored-value', icon: <WalletOutlined />, label: ['储值与积分', 'Stored value & points'], anyOf: ['stored-value.recharge', 'stored-value.adjust'] },
  { key: 'rules', icon: <SettingOutlined />, label: ['规则与活动', 'Rules & campaigns'], anyOf: ['ruleSet.read', 'ruleSet.write'] },
  { key: 'marketing', icon: <BarChartOutlined />, label: ['营销与分析', 'Marketing & analytics'], anyOf: ['member.read'] },
  { key: 'organisation', icon: <ClusterOutlined />, label: ['组织架构', 'Organisation'], anyOf: ['store.read'] },
  { key: 'import-export', icon: <ImportOutlined />, label: ['导入导出', 'Import / export'], anyOf: ['import', 'export'] },
  { key: 'audit', icon: <AuditOutlined />, label: ['审计日志', 'Audit log'], anyOf: ['audit.read'] },
];

export function Shell() {
  const t = useT();
  const { lang, setLang } = useContext(LangContext);
  const session = useSession();
  const route = useRoute();
  const screens = SCREENS.filter((s) => s.anyOf.some((a) => session.actions.has(a)));
  const current = screens.find((s) => s.key === route[0]) ?? screens[0]!;
  const role = ROLE_NAMES[session.staff.role] ?? [session.staff.role, session.staff.role];
  const scope = session.staff.storeId ? session.storeName(session.staff.storeId) : session.staff.regionId ? t('本区域', 'own region') : t('全部门店', 'all stores');

  let page: ReactNode;
  switch (current.key) {
    case 'members':
      page = route[1] ? <MemberViewPage memberId={route[1]} /> : <MembersPage />;
      break;
    case 'cards':
      page = <CardsPage initialCardNo={route[1]} />;
      break;
    case 'stored-value':
      page = <StoredValuePage initialCardNo={route[1]} />;
      break;
    case 'rules':
      page = <RulesPage draftId={route[1]} />;
      break;
    case 'marketing':
      page = <AnalyticsPage />;
      break;
    case 'organisation':
      page = <OrganisationPage tab={route[1]} />;
      break;
    case 'import-export':
      page = <ImportExportPage />;
      break;
    case 'audit':
      page = <AuditPage />;
      break;
    default:
      page = <DashboardPage />;
  }

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider width={208} theme="light" style={{ borderRight: '1px solid #f0f0f0' }}>
        <div style={{ padding: '16px 20px', fontWeight: 600, fontSize: 16 }}>{t('商家后台', 'HQ console')}</div>
        <Menu
          mode="inline"
          selectedKeys={[current.key]}
          onClick={(e) => navigate(e.key)}
          items={screens.map((s) => ({ key: s.key, icon: s.icon, label: <span data-testid={`nav-${s.key}`}>{lang === 'zh' ? s.label[0] : s.label[1]}</span> }))}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header style={{ background: '#fff', padding: '0 24px', display: 'flex', justifyContent: 'flex-end', alignItems: 'center', borderBottom: '1px solid #f0f0f0' }}>
          <Space size="middle">
            <Typography.Text data-testid="whoami">
              {session.staff.displayName} <Tag color="blue">{lang === 'zh' ? role[0] : role[1]}</Tag>
              <Tag data-testid="scope">{scope}</Tag>
            </Typography.Text>
            <Segmented size="small" value={lang} onChange={(v) => setLang(v as 'zh' | 'en')} options={[{ label: '中文', value: 'zh' }, { label: 'EN', value: 'en' }]} data-testid="lang" />
            <Button icon={<LogoutOutlined />} onClick={session.logout} data-testid="logout">
              {t('退出', 'Sign out')}
            </Button>
          </Space>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>
          <Suspense fallback={<Spin style={{ display: 'block', marginTop: 80 }} />}>{page}</Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
