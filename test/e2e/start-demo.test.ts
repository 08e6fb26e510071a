// `npm start` end to end: gateway, simulator and terminal in one process; a sale through the
// simulated scanner, card reader and printer; the receipt decoded in Chinese and as a PNG; the
// sale synced to the gateway's ledger.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../..', import.meta.url));

describe('npm start', () => {
  it('sells through the simulated devices, prints a Chinese receipt and syncs it', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/start-demo.ts', '--once'], { cwd: repo, encoding: 'utf8', timeout: 120_000 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const out = run.stdout;
    for (const line of [
      '上海南京路店',
      '鲜牛奶 1L',
      '  2 x 12.50                25.00',
      '东北大米 5kg',
      '  等级折扣                 -1.25',
      '  满减                     -1.55',
      '优惠合计                   -9.03',
      '抹零                       -0.07',
      '应付                       71.60',
      '储值 ****1259              50.00',
      '  找零                      8.40',
      '会员          王小明 138****5678',
      '等级                        金卡',
      '本次积分                     +71',
      '储值余额                  250.00',
      '已同步到网关：会员卡余额 ¥250.00，积分 71',
      // then a fuel sale at the kiosk: 100 yuan of 95# on pump 1, gold 0.30/L off, paid by the member's card
      '  油枪 1-2  P1-000001',
      '  12.658升 x 7.90/升      100.00',
      '  会员优惠 0.30/升         -3.80',
      '储值 ****1259              96.20',
      '加油已结算并同步：会员卡余额 ¥153.80',
    ]) {
      expect(out.split('\n')).toContain(line);
    }
    const pngPath = /小票图片 (\S+\.png)/.exec(out)?.[1];
    expect(pngPath).toBeDefined();
    const png = readFileSync(pngPath!);
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(png.readUInt32BE(20)).toBeGreaterThan(1000); // a whole receipt tall, not a stub image
  }, 150_000);
});
