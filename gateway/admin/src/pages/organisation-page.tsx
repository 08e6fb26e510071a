// Organisation: regions, stores, terminals (enrolment codes, online state, last contact, the rule-set
// version each runs, revoke) and staff with their roles — each in the signed-in role's scope.
import { PlusOutlined } from '@ant-design/icons';
import { Badge, Button, Card, Form, Input, Modal, Select, Space, Table, Tabs, Tag, Typography, message } from 'antd';
import { useState } from 'react';
import { get, post } from '../api.js';
import { ErrorAlert, toastError } from '../errors.js';
import { dateTime } from '../format.js';
import { useLang, useT } from '../i18n.js';
import { navigate } from '../router.js';
import { ROLE_NAMES, useCan, useSession } from '../session.js';
import { useLoad } from '../use-load.js';

interface Region {
  id: string;
  name: string;
  createdAt: number;
}
interface StaffRow {
  id: string;
  username: string;
  displayName: string;
  role: string;
  regionId: string | null;
  storeId: string | null;
  createdAt: number;
}
interface TerminalStatus {
  terminalId: string;
  storeId: string;
  name: string;
  enrolled: boolean;
  revoked: boolean;
  connected: boolean;
  enrolledAt: number | null;
  lastSeenAt: number | null;
  ruleSetVersion: number | null;
  softwareVersion: string | null;
  pendingEvents: number | null;
}

export function OrganisationPage({ tab }: { tab?: string | undefined }) {
  const t = useT();
  const can = useCan();
  return (
    <Card title={t('组织架构', 'Organisation')}>
      <Tabs
        activeKey={tab ?? 'stores'}
        onChange={(k) => navigate('organisation', k)}
        items={[
          ...(can('region.read') ? [{ key: 'regions', label: t('区域', 'Regions'), children: <Regions /> }] : []),
          { key: 'stores', label: t('门店', 'Stores'), children: <Stores /> },
          ...(can('terminal.read') ? [{ key: 'terminals', label: t('终端', 'Terminals'), children: <TerminalsTable /> }] : []),
          ...(can('staff.read') ? [{ key: 'staff', label: t('员工与角色', 'Staff & roles'), children: <Staff /> }] : []),
        ]}
      />
    </Card>
  );
}

function Regions() {
  const t = useT();
  const lang = useLang();
  const can = useCan();
  const regions = useLoad(() => get<{ items: Region[] }>('/v1/regions?limit=200'), []);
  const [name, setName] = useState('');
  const add = async () => {
    try {
      await post('/v1/regions', { name });
      setName('');
      regions.reload();
    } catch (e) {
      toastError(e, lang);
    }
  };
  return (
    <>
      {can('region.write') && (
        <Space.Compact style={{ marginBottom: 12 }}>
          <Input value={name} onChange={(e) => setName(e.target.value)} placeholder={t('新区域名称', 'New region name')} />
          <Button type="primary" icon={<PlusOutlined />} disabled={!name.trim()} onClick={add}>{t('新增', 'Add')}</Button>
        </Space.Compact>
      )}
      <ErrorAlert error={regions.error} />
      <Table size="small" rowKey="id" pagination={false} dataSource={regions.data?.items ?? []} columns={[
        { title: t('名称', 'Name'), dataIndex: 'name' },
        { title: 'ID', dataIndex: 'id' },
        { title: t('创建时间', 'Created'), dataIndex: 'createdAt', render: dateTime },
      ]} />
    </>
  );
}

function Stores() {
  const t = useT();
  const lang = useLang();
  const can = useCan();
  const session = useSession();
  const stores = useLoad(() => get<{ items: { id: string; regionId: string; code: string; name: string; address: string }[] }>('/v1/stores?limit=200'), []);
  const regions = useLoad(() => (can('region.read') ? get<{ items: Region[] }>('/v1/regions?limit=200').then((r) => r.items) : Promise.resolve([] as Region[])), []);
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const add = async () => {
    const v = await form.validateFields();
    try {
      await post('/v1/stores', v);
      setOpen(false);
      stores.reload();
    } catch (e) {
      toastError(e, lang);
    }
  };
  const regionName = (id: string) => regions.data?.find((r) => r.id === id)?.name ?? id;
  return (
    <>
      {can('store.write') && <Button type="primary" icon={<PlusOutlined />} style={{ marginBottom: 12 }} onClick={() => setOpen(true)}>{t('新增门店', 'Add store')}</Button>}
      <ErrorAlert error={stores.error} />
      <Table size="small" rowKey="id" pagination={false} dataSource={stores.data?.items ?? []} data-testid="stores-table" columns={[
        { title: t('代码', 'Code'), dataIndex: 'code' },
        { title: t('名称', 'Name'), dataIndex: 'name' },
        { title: t('区域', 'Region'), dataIndex: 'regionId', render: regionName },
        { title: t('地址', 'Address'), dataIndex: 'address' },
      ]} />
      <Modal open={open} title={t('新增门店', 'Add store')} onCancel={() => setOpen(false)} onOk={add} destroyOnHidden>
        <Form form={form} layout="vertical" initialValues={{ regionId: session.staff.regionId ?? regions.data?.[0]?.id }}>
          <Form.Item label={t('区域', 'Region')} name="regionId" rules={[{ required: true }]}><Select options={(regions.data ?? []).map((r) => ({ value: r.id, label: r.name }))} /></Form.Item>
          <Form.Item label={t('代码', 'Code')} name="code" rules={[{ required: true }]}><Input /></Form.Item>
          <Form.Item label={t('名称', 'Name')} name="name" rules={[{ required: true }]}><Input /></Form.Item>
          <Form.Item label={t('地址', 'Address')} name="address"><Input /></Form.Item>
        </Form>
      </Modal>
    </>
  );
}

export function TerminalsTable() {
  const t = useT();
  const lang = useLang();
  const can = useCan();
  const session = useSession();
  const status = useLoad(() => get<{ items: TerminalStatus[] }>('/v1/terminal-sync-status'), []);
  const [code, setCode] = useState<{ terminal: string; code: string; expiresAt: number } | null>(null);
  const [adding, setAdding] = useState(false);
  const [form] = Form.useForm();
  const issue = async (r: TerminalStatus) => {
    try {
      const c = await post<{ code: string; expiresAt: number }>(`/v1/terminals/${r.terminalId}/enrolment-code`);
      setCode({ terminal: r.name, ...c });
    } catch (e) {
      toastError(e, lang);
    }
  };
  const revoke = (r: TerminalStatus) =>
    Modal.confirm({
      title: t(`吊销终端 ${r.name}？`, `Revoke terminal ${r.name}?`),
      content: t('终端密钥立即失效，连接被断开；要再次使用须重新注册。', 'Its key stops working at once and its connection is closed; it must enrol again to be used.'),
      okButtonProps: { danger: true },
      onOk: async () => {
        try {
          await post(`/v1/terminals/${r.terminalId}/revoke`);
          status.reload();
        } catch (e) {
          toastError(e, lang);
        }
      },
    });
  const add = async () => {
    const v = await form.validateFields();
    try {
      await post('/v1/terminals', v);
      setAdding(false);
      status.reload();
    } catch (e) {
      toastError(e, lang);
    }
  };
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        {can('terminal.write') && <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)}>{t('登记终端', 'Register terminal')}</Button>}
        <Button onClick={status.reload} data-testid="terminals-refresh">{t('刷新', 'Refresh')}</Button>
      </Space>
      <ErrorAlert error={status.error} />
      <Table<TerminalStatus> size="small" rowKey="terminalId" pagination={false} loading={status.loading} dataSource={status.data?.items ?? []} data-testid="terminals-table" columns={[
        { title: t('终端', 'Terminal'), dataIndex: 'name' },
        { title: t('门店', 'Store'), dataIndex: 'storeId', render: (v: string) => session.storeName(v) },
        { title: t('状态', 'State'), key: 'state', render: (_: unknown, r) => (r.revoked ? <Tag color="red">{t('已吊销', 'revoked')}</Tag> : !r.enrolled ? <Tag>{t('未注册', 'not enrolled')}</Tag> : r.connected ? <Badge status="success" text={t('在线', 'online')} /> : <Badge status="default" text={t('离线', 'offline')} />) },
        { title: t('最近联系', 'Last contact'), dataIndex: 'lastSeenAt', render: dateTime },
        { title: t('规则版本', 'Rule set'), dataIndex: 'ruleSetVersion', render: (v: number | null, r) => (v === null ? '—' : <Tag color="blue" data-testid={`terminal-version-${r.name}`}>v{v}</Tag>) },
        { title: t('软件版本', 'Software'), dataIndex: 'softwareVersion', render: (v: string | null) => v ?? '—' },
        { title: t('待上传', 'Pending'), dataIndex: 'pendingEvents', render: (v: number | null) => v ?? '—' },
        ...(can('terminal.write')
          ? [{ title: '', key: 'actions', render: (_: unknown, r: TerminalStatus) => (
              <Space>
                <Button size="small" onClick={() => issue(r)}>{t('注册码', 'Enrolment code')}</Button>
                {r.enrolled && !r.revoked && <Button size="small" danger onClick={() => revoke(r)}>{t('吊销', 'Revoke')}</Button>}
              </Space>
            ) }]
          : []),
      ]} />
      <Typography.Paragraph type="secondary" style={{ fontSize: 12, marginTop: 8 }}>
        {t('规则版本为终端最近一次连接时上报的版本。', 'The rule-set version is the one the terminal reported when it last connected.')}
      </Typography.Paragraph>
      <Modal open={code !== null} title={t('一次性注册码', 'One-time enrolment code')} onCancel={() => setCode(null)} footer={null}>
        {code && (
          <>
            <Typography.Title level={2} copyable style={{ fontFamily: 'monospace' }}>{code.code}</Typography.Title>
            <Typography.Text>{t(`终端 ${code.terminal}，有效期至 ${dateTime(code.expiresAt)}`, `Terminal ${code.terminal}, valid until ${dateTime(code.expiresAt)}`)}</Typography.Text>
            <pre style={{ background: '#f6f8fa', padding: 8, marginTop: 12 }}>npx pos-terminal enrol {code.code} --gateway {window.location.origin}</pre>
          </>
        )}
      </Modal>
      <Modal open={adding} title={t('登记终端', 'Register a terminal')} onCancel={() => setAdding(false)} onOk={add} destroyOnHidden>
        <Form form={form} layout="vertical" initialValues={{ storeId: session.staff.storeId ?? session.stores[0]?.id }}>
          <Form.Item label={t('门店', 'Store')} name="storeId" rules={[{ required: true }]}><Select options={session.stores.map((s) => ({ value: s.id, label: s.name }))} /></Form.Item>
          <Form.Item label={t('名称', 'Name')} name="name" rules={[{ required: true }]}><Input /></Form.Item>
        </Form>
      </Modal>
    </>
  );
}

const MANAGEABLE: Record<string, string[]> = {
  hq_admin: ['hq_admin', 'region_manager', 'store_manager', 'cashier'],
  region_manager: ['store_manager', 'cashier'],
  store_manager: ['cashier'],
  cashier: [],
};

function Staff() {
  const t = useT();
  const lang = useLang();
  const can = useCan();
  const session = useSession();
  const staff = useLoad(() => get<{ items: StaffRow[] }>('/v1/staff?limit=200'), []);
  const regions = useLoad(() => (can('region.read') ? get<{ items: Region[] }>('/v1/regions?limit=200').then((r) => r.items) : Promise.resolve([] as Region[])), []);
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const role = Form.useWatch('role', form) as string | undefined;
  const roles = MANAGEABLE[session.staff.role] ?? [];
  const add = async () => {
    const v = await form.validateFields();
    try {
      await post('/v1/staff', v);
      setOpen(false);
      void message.success(t('已创建', 'Created'));
      staff.reload();
    } catch (e) {
      toastError(e, lang);
    }
  };
  const roleName = (r: string) => ROLE_NAMES[r]?.[lang === 'zh' ? 0 : 1] ?? r;
  return (
    <>
      {can('staff.write') && roles.length > 0 && <Button type="primary" icon={<PlusOutlined />} style={{ marginBottom: 12 }} onClick={() => setOpen(true)}>{t('新增员工', 'Add staff')}</Button>}
      <ErrorAlert error={staff.error} />
      <Table size="small" rowKey="id" pagination={false} dataSource={staff.data?.items ?? []} data-testid="staff-table" columns={[
        { title: t('用户名', 'User name'), dataIndex: 'username' },
        { title: t('姓名', 'Name'), dataIndex: 'displayName' },
        { title: t('角色', 'Role'), dataIndex: 'role', render: (r: string) => <Tag>{roleName(r)}</Tag> },
        { title: t('范围', 'Scope'), key: 'scope', render: (_: unknown, r: StaffRow) => (r.storeId ? session.storeName(r.storeId) : r.regionId ? (regions.data?.find((x) => x.id === r.regionId)?.name ?? r.regionId) : t('全部', 'all')) },
        { title: t('创建时间', 'Created'), dataIndex: 'createdAt', render: dateTime },
      ]} />
      <Modal open={open} title={t('新增员工', 'Add staff')} onCancel={() => setOpen(false)} onOk={add} destroyOnHidden>
        <Form form={form} layout="vertical" initialValues={{ role: roles[roles.length - 1], storeId: session.staff.storeId ?? undefined }}>
          <Form.Item label={t('用户名', 'User name')} name="username" rules={[{ required: true, pattern: /^[a-zA-Z0-9_.-]{3,64}$/ }]}><Input /></Form.Item>
          <Form.Item label={t('姓名', 'Name')} name="displayName" rules={[{ required: true }]}><Input /></Form.Item>
          <Form.Item label={t('初始密码（至少 8 位）', 'Initial password (8+ characters)')} name="password" rules={[{ required: true, min: 8 }]}><Input.Password /></Form.Item>
          <Form.Item label={t('角色', 'Role')} name="role" rules={[{ required: true }]}><Select options={roles.map((r) => ({ value: r, label: roleName(r) }))} /></Form.Item>
          {role === 'region_manager' && <Form.Item label={t('区域', 'Region')} name="regionId" rules={[{ required: true }]}><Select options={(regions.data ?? []).map((r) => ({ value: r.id, label: r.name }))} /></Form.Item>}
          {(role === 'store_manager' || role === 'cashier') && <Form.Item label={t('门店', 'Store')} name="storeId" rules={[{ required: true }]}><Select options={session.stores.map((s) => ({ value: s.id, label: s.name }))} /></Form.Item>}
        </Form>
      </Modal>
    </>
  );
}
