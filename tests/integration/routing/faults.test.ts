// Real processes under load: traders on both engines trading in one book at once (the book lock
// keeps it whole), then the engine service killed mid-run — every order still placed exactly
// once, those after the kill served by the local engine as a fallback.
import { beforeAll, describe, expect, it } from 'vitest';
import { checkInvariants } from '../../../src/lib/server/db/invariants';
import { aSupportUser, type TestServices } from '../../fixtures/services';
import {
	aMarket,
	aTraderOn,
	limit,
	ordersUnder,
	routingBed,
	servicesFor,
	type Market
} from './bed';

const bed = routingBed();
let services: TestServices;
let supportId: string;

beforeAll(async () => {
	// Patient calls and a breaker at its usual settings: the kill below opens it.
	services = servicesFor(bed, { breaker: { failureThreshold: 5, cooldownMs: 600_000 } });
	supportId = (await aSupportUser(bed.db)).id;
});

type Trader = Awaited<ReturnType<typeof aTraderOn>>;

async function tradersOn(engine: 'local' | 'remote', count: number): Promise<Trader[]> {
	return Promise.all(
		Array.from({ length: count }, async () => {
			const trader = await aTraderOn(bed, services, 1_000_000n);
			if (engine === 'remote') {
				await services.flags.store.setUser(supportId, {
					userId: trader.user.id,
					engine: 'remote',
					reason: 'faults test'
				});
			}
			return trader;
		})
	);
}

/** Each trader places `perTrader` one-share orders around 50¢, alternating sides so they trade. */
async function tradeInOneBook(
	market: Market,
	traders: Trader[],
	perTrader: number,
	tag: string,
	between: (placedSoFar: number) => void = () => undefined
) {
	let placed = 0;
	const responses = await Promise.all(
		traders.map(async (trader, t) => {
			const mine = [];
			for (let i = 0; i < perTrader; i++) {
				const side = (t + i) % 2 === 0 ? 'BUY' : 'SELL';
				const response = await trader.api.orders.place(
					limit(market, side, 1, 49 + ((t + i) % 3), { clientOrderId: `${tag}-${t}-${i}` })
				);
				mine.push({ trader, clientOrderId: `${tag}-${t}-${i}`, response });
				between(++placed);
			}
			return mine;
		})
	);
	return responses.flat();
}

describe('both engines in one book', () => {
	it('keeps the exchange’s invariants while local and remote traders trade with each other', async () => {
		const market = await aMarket(bed.db);
		const traders = [...(await tradersOn('remote', 4)), ...(await tradersOn('local', 4))];
		const placed = await tradeInOneBook(market, traders, 8, 'mixed');

		expect(new Set(placed.map((p) => p.response.engine))).toEqual(new Set(['local', 'remote']));
		expect(placed.every((p) => !p.response.fallback)).toBe(true);
		const { rows } = await bed.db.pool.query<{ engine: string; trades: number }>(
			`SELECT engine, count(*)::int AS trades FROM trades WHERE market_id = $1 GROUP BY engine`,
			[market.id]
		);
		expect(rows.map((row) => row.engine).sort()).toEqual(['local', 'remote']);
		const broken = (await checkInvariants(bed.db.pool)).filter((result) => !result.ok);
		expect(broken).toEqual([]);
	});
});

describe('the engine service killed mid-run', () => {
	it('still places every order exactly once, those after the kill as fallbacks', async () => {
		const market = await aMarket(bed.db);
		const traders = await tradersOn('remote', 6);
		let killed: Promise<void> | null = null;
		const placed = await tradeInOneBook(market, traders, 8, 'kill', (count) => {
			if (count === 12) killed = bed.service.kill();
		});
		await killed;

		expect(placed.every((p) => p.response.order.status !== 'REJECTED')).toBe(true);
		expect(placed.some((p) => p.response.engine === 'remote')).toBe(true);
		const fallbacks = placed.filter((p) => p.response.fallback);
		expect(fallbacks.length).toBeGreaterThan(0);
		expect(fallbacks.every((p) => p.response.engine === 'local')).toBe(true);
		for (const { trader, clientOrderId } of placed) {
			expect(await ordersUnder(bed.db, trader.user.id, clientOrderId)).toHaveLength(1);
		}
		// The last calls found the breaker open: the dead engine was no longer being called.
		expect(services.engines.breaker.state).toBe('open');
	});
});
