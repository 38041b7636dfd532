// `npm run db:check` run as the operator runs it, as its own process against a database: one
// line per invariant with pass or FAIL, exit 0 when all hold, and exit 1 naming exactly the
// invariants that rows broken by hand break. The embedded database is reached over its socket.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEngine } from '../../src/lib/engine/local';
import { checkInvariants, invariants } from '../../src/lib/server/db/invariants';
import { createTestDatabase, type TestDatabase } from '../fixtures/database';
import { aFundedTrader, placeLimit } from '../fixtures/engine';
import { aMarket } from '../fixtures/markets';

const run = promisify(execFile);

let db: TestDatabase;

beforeAll(async () => {
	db = await createTestDatabase();
});
afterAll(async () => {
	await db?.close();
});

interface CheckRun {
	exitCode: number;
	/** [invariant, 'pass' | 'FAIL'] for each verdict line, in the order printed. */
	verdicts: [string, string][];
	summary: string;
}

async function dbCheck(): Promise<CheckRun> {
	const { stdout, exitCode } = await run(
		process.execPath,
		['--import', 'tsx', 'scripts/db-check.ts'],
		{ env: { ...process.env, DATABASE_URL: db.url } }
	).then(
		({ stdout }) => ({ stdout, exitCode: 0 }),
		(error: { code: number; stdout: string }) => ({ stdout: error.stdout, exitCode: error.code })
	);
	const lines = stdout.trimEnd().split('\n');
	return {
		exitCode,
		verdicts: lines
			.filter((line) => /^(pass|FAIL) {2}/.test(line))
			.map((line) => [line.slice(6), line.slice(0, 4)]),
		summary: lines.at(-1) ?? ''
	};
}

/** Every invariant once, in the script's order: FAIL for those named, pass for the rest. */
const verdictsWith = (failing: string[]): [string, string][] =>
	invariants.map(({ name }) => [name, failing.includes(name) ? 'FAIL' : 'pass']);

const RESERVED_MATCHES_ORDERS = "each trader's reserved cash equals what their resting orders hold";
const UNIQUE_QUEUE_POSITIONS = 'resting orders have a unique queue position in their book';

describe('npm run db:check', () => {
	it('passes every invariant on a trading database, then fails exactly the two broken by hand', async () => {
		const market = await aMarket(db);
		const [buyer, seller] = [await aFundedTrader(db), await aFundedTrader(db)];
		const engine = new LocalEngine(db.pool);
		const first = await placeLimit(engine, buyer, market, {
			side: 'BUY',
			priceCents: 40,
			quantity: 5
		});
		const second = await placeLimit(engine, buyer, market, {
			side: 'BUY',
			priceCents: 41,
			quantity: 2
		});
		await placeLimit(engine, seller, market, { side: 'SELL', priceCents: 41, quantity: 1 });

		const healthy = await dbCheck();
		expect(healthy.verdicts).toEqual(verdictsWith([]));
		expect(healthy.summary).toBe('All invariants hold.');
		expect(healthy.exitCode).toBe(0);

		// One more share on the first order, with the cash it needs on the order but not moved
		// into the trader's reserve; and the second order put in the first one's queue position.
		await db.pool.query(
			`UPDATE orders SET quantity = quantity + 1, reserved_cents = reserved_cents + price_cents
			  WHERE id = $1::bigint`,
			[first.order.id]
		);
		await db.pool.query(
			`UPDATE orders SET priority = (SELECT priority FROM orders WHERE id = $1::bigint)
			  WHERE id = $2::bigint`,
			[first.order.id, second.order.id]
		);
		const broken = await dbCheck();
		expect(broken.verdicts).toEqual(
			verdictsWith([RESERVED_MATCHES_ORDERS, UNIQUE_QUEUE_POSITIONS])
		);
		expect(broken.summary).toBe('2 invariant(s) broken.');
		expect(broken.exitCode).toBe(1);
		// What tests call finds the same.
		const inProcess = await checkInvariants(db.pool);
		expect(inProcess.filter((result) => !result.ok).map((result) => result.name)).toEqual([
			RESERVED_MATCHES_ORDERS,
			UNIQUE_QUEUE_POSITIONS
		]);
	});
});
