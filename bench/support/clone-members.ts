// Seeds many members fast on PostgreSQL: one template member and card made through the gateway's
// services are cloned server-side with generate_series (one INSERT … SELECT per table), every
// column copied from the template except ids, names, phones and card numbers. Columns other
// engineers add later are copied as they are, so this keeps working as the schema grows.
import type pg from 'pg';

const ULID_DIGITS = 19; // 7-character prefix + 19 digits = 26 Crockford base32 characters

export async function cloneMembers(client: pg.Client, options: { merchantId: string; templateMemberId: string; templateCardNo: string; count: number }): Promise<void> {
  const columns = async (table: string) =>
    (await client.query<{ column_name: string }>(`select column_name from information_schema.columns where table_schema = 'public' and table_name = $1 order by ordinal_position`, [table])).rows.map(
      (r) => r.column_name,
    );
  const memberId = `'01JMEMB' || lpad(g::text, ${ULID_DIGITS}, '0')`;
  const memberOverrides: Record<string, string> = {
    id: memberId,
    name: `'会员' || g`,
    name_lower: `'会员' || g`,
    // Scrambled (7919 is invertible mod 10^8, so still unique): real phones do not arrive in order, and
    // sequential ones made the terminal's phone index look cheaper to maintain than it is.
    phone: `'+86139' || lpad(((g::bigint * 7919) % 100000000)::text, 8, '0')`,
    code_secret: 'null',
  };
  const cardOverrides: Record<string, string> = {
    id: `'01JCARD' || lpad(g::text, ${ULID_DIGITS}, '0')`,
    card_no: `'8802' || lpad(g::text, 12, '0')`,
    member_id: memberId,
    uids: `'[]'`,
  };
  const clone = async (table: string, overrides: Record<string, string>, where: string, param: string) => {
    const cols = await columns(table);
    const select = cols.map((c) => overrides[c] ?? `t."${c}"`).join(', ');
    await client.query(
      `insert into "${table}" (${cols.map((c) => `"${c}"`).join(', ')}) select ${select} from "${table}" t, generate_series(1, ${options.count}) g where t.merchant_id = $1 and ${where} = $2`,
      [options.merchantId, param],
    );
  };
  await clone('members', memberOverrides, 't.id', options.templateMemberId);
  await clone('cards', cardOverrides, 't.card_no', options.templateCardNo);
  await client.query('analyze members; analyze cards');
}
