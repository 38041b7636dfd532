// markets.onStatus over the app's WebSocket with the real wsLink: the market's status first, then
// each change an admin makes, so pages open on a market see a halt, a resolution or a new close
// time at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MarketStatusUpdate } from '../../../src/lib/server/trpc/routers/markets/on-status.handler';
import { createTestDatabase, type TestDatabase } from '../../fixtures/database';
import { aMarket } from '../../fixtures/markets';
import { appClient, startAppSocketServer, type AppSocketServer } from '../../fixtures/app-socket';
import { anAdmin, callerFor } from '../../fixtures/services';

let db: TestDatabase;
let app: AppSocketServer;

beforeAll(async () => {
	db = await createTestDatabase();
	app = await startAppSocketServer(db);
});
afterAll(async () => {
	await app.close();
	await db.close();
});

type Item = { id: string; data: MarketStatusUpdate };

/** Collects items until `count` have come, running `then` once the first one is in. */
function statuses(
	client: ReturnType<typeof appClient>,
	input: { marketId: string; lastEventId?: string },
	count: number,
	then?: () => Promise<unknown>
): Promise<Item[]> {
	const items: Item[] = [];
	return new Promise((resolve, reject) => {
		const subscription = client.trpc.markets.onStatus.subscribe(input, {
			onData: (item) => {
				items.push(item as Item);
				if (items.length === 1) then?.().catch(reject);
				if (items.length === count) {
					subscription.unsubscribe();
					resolve(items);
				}
			},
			onError: reject
		});
	});
}

describe('markets.onStatus', () => {
	it('sends the status, then every change an admin makes', async () => {
		const market = await aMarket(db);
		const admin = await callerFor(app.services, await anAdmin(db));
		const client = appClient(app.origin);
		const items = await statuses(client, { marketId: market.id }, 4, async () => {
			await admin.markets.halt({ marketId: market.id });
			await admin.markets.reopen({ marketId: market.id });
			await admin.markets.resolve({ marketId: market.id, winningOptionId: market.optionIds[1]! });
		});
		expect(items.map((item) => item.data.status)).toEqual(['OPEN', 'HALTED', 'OPEN', 'RESOLVED']);
		expect(items.at(-1)!.data).toEqual({
			marketId: market.id,
			status: 'RESOLVED',
			resolution: 'OPTION',
			resolvedOptionId: market.optionIds[1],
			closesAt: market.closesAt
		});
		await client.close();
	});

	it('sends a new close time, as a Date, with the status it leaves', async () => {
		const market = await aMarket(db);
		const admin = await callerFor(app.services, await anAdmin(db));
		const client = appClient(app.origin);
		const later = new Date(market.closesAt.getTime() + 3_600_000);
		const items = await statuses(client, { marketId: market.id }, 2, () =>
			admin.markets.setCloseTime({ marketId: market.id, closesAt: later, reason: 'Extra time' })
		);
		expect(items.map((item) => [item.data.status, item.data.closesAt])).toEqual([
			['OPEN', market.closesAt],
			['OPEN', later]
		]);
		await client.close();
	});

	it('gives a reconnecting client the status as it is now', async () => {
		const market = await aMarket(db);
		const admin = await callerFor(app.services, await anAdmin(db));
		const client = appClient(app.origin);
		const [first] = await statuses(client, { marketId: market.id }, 1);
		await admin.markets.halt({ marketId: market.id });
		const [again] = await statuses(client, { marketId: market.id, lastEventId: first!.id }, 1);
		expect(again!.data.status).toBe('HALTED');
		await client.close();
	});

	it('refuses a market that does not exist', async () => {
		const client = appClient(app.origin);
		const failure = new Promise((resolve) => {
			client.trpc.markets.onStatus.subscribe(
				{ marketId: '00000000-0000-4000-8000-000000000000' },
				{ onError: resolve }
			);
		});
		expect(await failure).toMatchObject({ data: { code: 'NOT_FOUND' } });
		await client.close();
	});
});
