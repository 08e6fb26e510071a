// `pos-engine <command> < input.json`: runs one engine function on a JSON document from stdin
// and prints the result as JSON. Bad input exits with code 2 and an error naming the field.
import { text } from 'node:stream/consumers';
import { z } from 'zod';
import { EngineError } from '../engine-error.js';
import { MemberContext, PriceInput } from '../price-input.js';
import { price } from '../price.js';
import { PricedBasket } from '../priced-basket.js';
import { planRecharge } from '../recharge.js';
import { refund, RefundRequest } from '../refund.js';
import { RfmConfig, RfmTransaction, rfm } from '../rfm.js';
import { RuleSet } from '../rule-set.js';
import { FenAmount, IsoDate, IsoTimestamp, StoreId } from '@pos/protocol';

const MAX_INPUT_BYTES = 16 * 1024 * 1024;

const RefundInput = z.object({ sale: PricedBasket, request: RefundRequest });
const RechargeInput = z.object({
  now: IsoTimestamp,
  storeId: StoreId,
  rules: RuleSet,
  paidFen: FenAmount.min(1),
  member: MemberContext.nullable().default(null),
  planId: z.string().min(1).max(64).optional(),
});
const RfmInput = z.object({ transactions: z.array(RfmTransaction).max(1_000_000), asOf: IsoDate, config: RfmConfig });

const COMMANDS: Record<string, (json: unknown) => unknown> = {
  price: (json) => price(PriceInput.parse(json)),
  refund: (json) => {
    const { sale, request } = RefundInput.parse(json);
    return refund(sale, request);
  },
  recharge: (json) => {
    const { planId, ...rest } = RechargeInput.parse(json);
    return planRecharge({ ...rest, ...(planId === undefined ? {} : { planId }) });
  },
  rfm: (json) => {
    const { transactions, asOf, config } = RfmInput.parse(json);
    return rfm(transactions, asOf, config);
  },
};

const USAGE = `usage: pos-engine <${Object.keys(COMMANDS).join('|')}> < input.json`;

interface Failure {
  code: string;
  message: string;
  field?: string;
}

function fail(exitCode: number, error: Failure): void {
  process.stderr.write(`${JSON.stringify({ error })}\n`);
  process.exitCode = exitCode;
}

async function main(argv: string[]): Promise<void> {
  const command = argv[0];
  const run = command === undefined ? undefined : COMMANDS[command];
  if (!run) {
    fail(2, { code: 'USAGE', message: USAGE });
    return;
  }
  const raw = await text(process.stdin);
  if (Buffer.byteLength(raw) > MAX_INPUT_BYTES) {
    fail(2, { code: 'INPUT_TOO_LARGE', message: `input exceeds ${MAX_INPUT_BYTES} bytes` });
    return;
  }
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (error) {
    fail(2, { code: 'INVALID_JSON', message: `input is not valid JSON: ${(error as Error).message}` });
    return;
  }
  try {
    process.stdout.write(`${JSON.stringify(run(json), null, 2)}\n`);
  } catch (error) {
    if (error instanceof z.ZodError) {
      const issue = error.issues[0]!;
      const field = issue.path.map(String).join('.');
      fail(2, { code: 'INVALID_INPUT', message: `${field || '(root)'}: ${issue.message}`, field });
    } else if (error instanceof EngineError) {
      fail(2, { code: error.code, message: `${error.text.en} / ${error.text.zh}`, ...(error.field ? { field: error.field } : {}) });
    } else {
      throw error;
    }
  }
}

await main(process.argv.slice(2));
