// Two app processes on one database (each with its own connections, engine, event hub and
// WebSocket endpoint): an order placed through either reaches subscribers of both.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectDatabase } from '../../../src/lib/server/db/connect';
import type { OrderView } from '../../../src/lib/shared/orders';
import { PlaceOrderInput } from '../../../src/lib/shared/orders';
import { appClient, startAppSocketServer, type AppSocketServer } from '../../fixtures/app-socket';
import { createTestDatabase, type TestDatabase } from '../../fixtures/database';
import { aMarket } from '../../fixtures/markets';
import { aTrader } from '../../fixtures/services';

let db: TestDatabase;
let secondConnection: ReturnType<typeof connectDatabase>;
let first: AppSocketServer;
let second: AppSocketServer;

beforeAll(async () => {
	db = await createTestDatabase();
	// The second process reaches the same database through connections of its own.
	secondConnection = connectDatabase(db.url, { max: db.kind === 'postgres' ? 8 : 1 });
	first = await startAppSocketServer(db);
	second = await startAppSocketServer({ ...db, ...secondConnection, kind: db.kind });
});
afterAll(async () => {
	await first.close();
	await second.close();
	await secondConnection.close();
	await db.close();
});

/** Resolves with the first trade update for `optionId` that `app`'s subscribers see. */
function nextTradeSeenBy(app: AppSocketServer, optionId: string, started: () => void) {
	const client = appClient(app.origin);
	return new Promise<{ priceCents: number }>((resolve) => {
		const subscription = client.trpc.trades.onTrade.subscribe(
			{ optionId },
			{
				onStarted: started,
				onData: ({ data }) => {
					subscription.unsubscribe();
					void client.close();
					resolve(data);
				}
			}
		);
	});
}

describe('two app processes on one database', () => {
	it.each([
		['the first', () => first],
		['the second', () => second]
	])('both deliver a trade placed through %s', async (_name, through) => {
		const market = await aMarket(db);
		const optionId = market.optionIds[0]!;
		const buyer = await aTrader(db, { cashCents: 10_000n });
		const seller = await aTrader(db, { cashCents: 10_000n });
		let ready = 0;
		let placed: Promise<void> | undefined;
		const whenBothListen = () => {
			if (++ready < 2) return;
			placed = (async () => {
				const engine = through().services.engine;
				const order = (side: 'BUY' | 'SELL') =>
					PlaceOrderInput.parse({
						marketId: market.id,
						optionId,
						side,
						priceCents: 47,
						quantity: 1
					});
				await engine.place(seller.id, order('SELL'));
				const taken = await engine.place(buyer.id, order('BUY'));
				expect(taken.ok && (taken.value.order as OrderView).status).toBe('FILLED');
			})();
		};
		const seen = await Promise.all([
			nextTradeSeenBy(first, optionId, whenBothListen),
			nextTradeSeenBy(second, optionId, whenBothListen)
		]);
		await placed;
		expect(seen.map((trade) => trade.priceCents)).toEqual([47, 47]);
	});
});
