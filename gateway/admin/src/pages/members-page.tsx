// Members: one search box that answers as you type (phone or card prefix, name prefix, #tag), the
// filtered list with masked phones, adding a member and tagging many at once.
import { PlusOutlined, TagsOutlined } from '@ant-design/icons';
import { AutoComplete, Button, Card, DatePicker, Form, Input, Modal, Select, Space, Table, Tag, Typography, message } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { get, patch, post, qs } from '../api.js';
import { ErrorAlert, toastError } from '../errors.js';
import { dateTime } from '../format.js';
import { useLang, useT } from '../i18n.js';
import { navigate } from '../router.js';
import { useCan, useSession } from '../session.js';
import { useLoad } from '../use-load.js';

interface LookupItem {
  id: string;
  name: string;
  phoneMasked: string | null;
  storeId: string;
  tierId: string | null;
  matchedBy: 'phone' | 'card' | 'name' | 'tag';
  cardNo: string | null;
}
export interface MemberSummary {
  id: string;
  name: string;
  phoneMasked: string | null;
  gender: string | null;
  storeId: string;
  tierId: string | null;
  growth: number;
  status: string;
  tags: string[];
  createdAt: number;
}

const LOOKUP_DEBOUNCE_MS = 120;

export function MembersPage() {
  const t = useT();
  const lang = useLang();
  const can = useCan();
  const session = useSession();
  const [text, setText] = useState('');
  const [options, setOptions] = useState<LookupItem[]>([]);
  const [filter, setFilter] = useState<{ phone?: string; cardNo?: string; name?: string; tag?: string }>({});
  const [cursor, setCursor] = useState<string | undefined>();
  const [selected, setSelected] = useState<string[]>([]);
  const [adding, setAdding] = useState(false);
  const [tagging, setTagging] = useState(false);
  const seq = useRef(0);
  const list = useLoad(() => get<{ items: MemberSummary[]; nextCursor: string | null }>(`/v1/members${qs({ ...filter, cursor, limit: 50 })}`), [JSON.stringify(filter), cursor]);

  useEffect(() => {
    const q = text.trim();
    if (q.length === 0) return setOptions([]);
    const mine = ++seq.current;
    const timer = setTimeout(() => {
      get<{ items: LookupItem[] }>(`/v1/member-lookup${qs({ q })}`).then(
        (r) => mine === seq.current && setOptions(r.items),
        () => mine === seq.current && setOptions([]),
      );
    }, LOOKUP_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text]);

  /** Enter in the box filters the list by what the text looks like. */
  const applyFilter = (q: string) => {
    const v = q.trim();
    setCursor(undefined);
    if (!v) return setFilter({});
    if (v.startsWith('#')) return setFilter({ tag: v.slice(1) });
    if (/^\+?\d{11,}$/.test(v.replace(/[\s-]/g, '')) && v.replace(/\D/g, '').length <= 13 && v.replace(/\D/g, '').startsWith('1')) return setFilter({ phone: v });
    if (/^\d{6,19}$/.test(v)) return setFilter({ cardNo: v });
    setFilter({ name: v });
  };
  const matchLabel: Record<LookupItem['matchedBy'], [string, string]> = { phone: ['手机', 'phone'], card: ['卡号', 'card'], name: ['姓名', 'name'], tag: ['标签', 'tag'] };

  return (
    <Card title={t('会员', 'Members')} extra={can('member.write') && <Button type="primary" icon={<PlusOutlined />} onClick={() => setAdding(true)} data-testid="member-add">{t('新增会员', 'Add member')}</Button>}>
      <Space style={{ marginBottom: 16 }} wrap>
        <AutoComplete
          style={{ width: 420 }}
          value={text}
          onChange={setText}
          onSelect={(id: string) => navigate('members', id)}
          options={options.map((o) => ({
            value: o.id,
            label: (
              <div data-testid="lookup-option">
                <b>{o.name}</b> <span style={{ color: '#888' }}>{o.phoneMasked ?? ''}</span> {o.cardNo && <Tag>{o.cardNo}</Tag>}
                <Tag color="blue" style={{ float: 'right' }}>{matchLabel[o.matchedBy][lang === 'zh' ? 0 : 1]}</Tag>
              </div>
            ),
          }))}
        >
          <Input.Search
            placeholder={t('手机号 / 卡号 / 姓名 / #标签，输入即搜', 'phone / card / name / #tag — answers as you type')}
            onSearch={applyFilter}
            allowClear
            data-testid="member-search"
          />
        </AutoComplete>
        {Object.keys(filter).length > 0 && <Tag closable onClose={() => setFilter({})}>{Object.entries(filter).map(([k, v]) => `${k}: ${v}`).join(', ')}</Tag>}
        {can('member.write') && (
          <Button icon={<TagsOutlined />} disabled={selected.length === 0} onClick={() => setTagging(true)} data-testid="bulk-tag">
            {t(`批量打标签（${selected.length}）`, `Tag selected (${selected.length})`)}
          </Button>
        )}
      </Space>
      <ErrorAlert error={list.error} />
      <Table<MemberSummary>
        rowKey="id"
        size="middle"
        loading={list.loading}
        dataSource={list.data?.items ?? []}
        pagination={false}
        rowSelection={can('member.write') ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]) } : undefined}
        onRow={(r) => ({ onDoubleClick: () => navigate('members', r.id) })}
        data-testid="members-table"
        columns={[
          { title: t('姓名', 'Name'), dataIndex: 'name', render: (v: string, r) => <a onClick={() => navigate('members', r.id)}>{v}</a> },
          { title: t('手机号', 'Phone'), dataIndex: 'phoneMasked', render: (v: string | null) => v ?? '—' },
          { title: t('门店', 'Store'), dataIndex: 'storeId', render: (v: string) => session.storeName(v) },
          { title: t('等级', 'Tier'), dataIndex: 'tierId', render: (v: string | null) => v ?? '—' },
          { title: t('成长值', 'Growth'), dataIndex: 'growth' },
          { title: t('标签', 'Tags'), dataIndex: 'tags', render: (tags: string[]) => tags.map((x) => <Tag key={x}>{x}</Tag>) },
          { title: t('入会时间', 'Joined'), dataIndex: 'createdAt', render: (v: number) => dateTime(v) },
        ]}
      />
      <Space style={{ marginTop: 12 }}>
        {cursor && <Button onClick={() => setCursor(undefined)}>{t('第一页', 'First page')}</Button>}
        {list.data?.nextCursor && <Button onClick={() => setCursor(list.data!.nextCursor!)}>{t('下一页', 'Next page')}</Button>}
      </Space>
      <MemberFormModal open={adding} onClose={() => setAdding(false)} onSaved={(id) => navigate('members', id)} />
      <BulkTagModal open={tagging} memberIds={selected} onClose={() => setTagging(false)} onDone={() => { setSelected([]); list.reload(); }} />
      <Typography.Paragraph type="secondary" style={{ marginTop: 12, fontSize: 12 }}>
        {t('回车按输入内容筛选列表；手机号只显示掩码，完整号码在会员详情中。', 'Enter filters the list; phones are masked here, the full number is in the member view.')}
      </Typography.Paragraph>
    </Card>
  );
}

export function MemberFormModal({ open, onClose, onSaved, member }: { open: boolean; onClose: () => void; onSaved: (id: string) => void; member?: { id: string; name: string; phone: string | null; gender: string | null; birthday: string | null; address: string | null; storeId: string } }) {
  const t = useT();
  const lang = useLang();
  const session = useSession();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const submit = async () => {
    const v = (await form.validateFields()) as { name: string; phone?: string; gender?: string; birthday?: { format: (f: string) => string } | null; address?: string; storeId?: string; tags?: string[] };
    setBusy(true);
    try {
      const body = { name: v.name, phone: v.phone || null, gender: v.gender ?? null, birthday: v.birthday ? v.birthday.format('YYYY-MM-DD') : null, address: v.address || null };
      const r = member
        ? await patch<{ id: string }>(`/v1/members/${member.id}`, body)
        : await post<{ id: string }>('/v1/members', { ...body, storeId: v.storeId, tags: v.tags ?? [] });
      void message.success(t('已保存', 'Saved'));
      onSaved(r.id);
      onClose();
    } catch (e) {
      toastError(e, lang);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal open={open} title={member ? t('编辑会员', 'Edit member') : t('新增会员', 'Add member')} onCancel={onClose} onOk={submit} confirmLoading={busy} destroyOnHidden>
      <Form form={form} layout="vertical" initialValues={member ? { ...member, birthday: undefined } : { storeId: session.staff.storeId ?? session.stores[0]?.id }}>
        <Form.Item label={t('姓名', 'Name')} name="name" rules={[{ required: true, whitespace: true }]}>
          <Input data-testid="member-form-name" />
        </Form.Item>
        <Form.Item label={t('手机号', 'Phone')} name="phone">
          <Input data-testid="member-form-phone" />
        </Form.Item>
        <Form.Item label={t('性别', 'Gender')} name="gender">
          <Select allowClear options={[{ value: 'female', label: t('女', 'Female') }, { value: 'male', label: t('男', 'Male') }, { value: 'unknown', label: t('未知', 'Unknown') }]} />
        </Form.Item>
        <Form.Item label={t('生日', 'Birthday')} name="birthday">
          <DatePicker />
        </Form.Item>
        <Form.Item label={t('地址', 'Address')} name="address">
          <Input />
        </Form.Item>
        {!member && (
          <>
            <Form.Item label={t('门店', 'Store')} name="storeId" rules={[{ required: true }]}>
              <Select options={session.stores.map((s) => ({ value: s.id, label: s.name }))} />
            </Form.Item>
            <Form.Item label={t('标签', 'Tags')} name="tags">
              <Select mode="tags" />
            </Form.Item>
          </>
        )}
      </Form>
    </Modal>
  );
}

function BulkTagModal({ open, memberIds, onClose, onDone }: { open: boolean; memberIds: string[]; onClose: () => void; onDone: () => void }) {
  const t = useT();
  const lang = useLang();
  const [tag, setTag] = useState('');
  const [mode, setMode] = useState<'add' | 'remove'>('add');
  const [progress, setProgress] = useState<number | null>(null);
  const submit = async () => {
    if (!tag.trim()) return;
    // The API tags one member per request; the console sends them one after another.
    try {
      for (const [i, id] of memberIds.entries()) {
        setProgress(i);
        await post(`/v1/members/${id}/tags`, mode === 'add' ? { add: [tag.trim()] } : { remove: [tag.trim()] });
      }
      void message.success(t(`已处理 ${memberIds.length} 位会员`, `${memberIds.length} members updated`));
      onDone();
      onClose();
    } catch (e) {
      toastError(e, lang);
    } finally {
      setProgress(null);
    }
  };
  return (
    <Modal open={open} title={t('批量打标签', 'Tag in bulk')} onCancel={onClose} onOk={submit} confirmLoading={progress !== null} destroyOnHidden>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Select value={mode} onChange={setMode} options={[{ value: 'add', label: t('添加标签', 'Add tag') }, { value: 'remove', label: t('移除标签', 'Remove tag') }]} />
        <Input value={tag} onChange={(e) => setTag(e.target.value)} placeholder={t('标签', 'Tag')} data-testid="bulk-tag-input" />
        <Typography.Text type="secondary">{progress === null ? t(`${memberIds.length} 位会员`, `${memberIds.length} members`) : `${progress + 1} / ${memberIds.length}`}</Typography.Text>
      </Space>
    </Modal>
  );
}
