// Two app processes (node server.js) on one database, as behind a load balancer: an order placed
// through either reaches the subscribers of the other, on the placing trader's orders.onMyUpdates,
// the option's trades.onTrade and its book's books.onUpdate. The runner's app is the first; the
// spec starts the second with the environment the runner gave the first (E2E_APP_ENV) on another
// port, and stops it after. It trades as the market maker and taker in a market it makes, and
// voids that market at the end.
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findFreePort } from '../../src/lib/server/db/embedded.js';
import { spawnApp, stop, waitUntilServing, type AppProcess } from './app-process';
import { baseURL } from './fixtures/browser';
import { cookieSocketClient, httpClient, sessionCookie } from './fixtures/session';
import { follow, type Update } from './fixtures/stream';

const DAY_MS = 86_400_000;

let logDir: string;
let second: AppProcess;
let adminCookie: string;
let makerCookie: string;
let takerCookie: string;
let market: { id: string; optionId: string };

/** The last lines of the second process's log, for an error that needs them. */
function secondLogTail(): string {
	try {
		return readFileSync(join(logDir, 'server.log'), 'utf8')
			.trim()
			.split('\n')
			.slice(-40)
			.join('\n');
	} catch {
		return '(no log)';
	}
}

beforeAll(async () => {
	const appEnv = process.env.E2E_APP_ENV;
	if (!appEnv) throw new Error('E2E_APP_ENV is not set: run the specs with `npm run test:e2e`');
	logDir = mkdtempSync(join(tmpdir(), 'betwise-e2e-second-'));
	const log = openSync(join(logDir, 'server.log'), 'a');
	second = spawnApp(JSON.parse(appEnv) as NodeJS.ProcessEnv, await findFreePort(), log);
	try {
		await waitUntilServing(second);
	} catch (error) {
		throw new Error(`the second app process did not start: ${String(error)}\n${secondLogTail()}`);
	}

	[adminCookie, makerCookie, takerCookie] = await Promise.all([
		sessionCookie('admin@betwise.dev'),
		sessionCookie('maker@betwise.dev'),
		sessionCookie('taker@betwise.dev')
	]);
	const created = await httpClient(adminCookie).markets.create.mutate({
		title: 'Will two app processes agree on every order?',
		description: 'Made by the two-processes spec.',
		category: 'Testing',
		closesAt: new Date(Date.now() + 30 * DAY_MS),
		options: ['Yes', 'No'],
		reason: 'Made for the two-processes spec'
	});
	market = { id: created.id, optionId: created.options[0]!.id };
});

afterAll(async () => {
	if (market) await httpClient(adminCookie).markets.void.mutate({ marketId: market.id });
	if (second) await stop(second.child);
	if (logDir) rmSync(logDir, { recursive: true, force: true });
});

/**
 * Places a resting sell through `placeOn` and a buy that takes 1 of it, while the maker's order
 * updates and the option's trades and book are followed through `deliverOn`; checks each of them
 * hears of it there.
 */
async function deliversAcross(placeOn: string, deliverOn: string, priceCents: number) {
	const makerSocket = cookieSocketClient(makerCookie, deliverOn);
	const visitorSocket = cookieSocketClient(null, deliverOn);
	const orders = follow<Update<'orders', 'onMyUpdates'>>((handlers) =>
		makerSocket.trpc.orders.onMyUpdates.subscribe(undefined, handlers)
	);
	const trades = follow<Update<'trades', 'onTrade'>>((handlers) =>
		visitorSocket.trpc.trades.onTrade.subscribe({ optionId: market.optionId }, handlers)
	);
	const book = follow<Update<'books', 'onUpdate'>>((handlers) =>
		visitorSocket.trpc.books.onUpdate.subscribe({ optionId: market.optionId }, handlers)
	);
	const maker = httpClient(makerCookie, placeOn);
	const taker = httpClient(takerCookie, placeOn);
	let resting: string | undefined;
	try {
		const [, , snapshot] = await Promise.all([orders.started, trades.started, book.next()]);
		expect(snapshot.type).toBe('snapshot');

		const order = { marketId: market.id, optionId: market.optionId, priceCents };
		const sell = await maker.orders.place.mutate({ ...order, side: 'SELL', quantity: 3 });
		resting = sell.order.id;
		const buy = await taker.orders.place.mutate({ ...order, side: 'BUY', quantity: 1 });
		const tradeId = buy.fills[0]!.tradeId;

		type OrderUpdate = (typeof orders.items)[number];
		const ofSell = (status: string) => (update: OrderUpdate) =>
			update.type === 'order' &&
			update.order.id === sell.order.id &&
			update.order.status === status;
		expect(await orders.next(ofSell('OPEN'))).toMatchObject({
			order: { side: 'SELL', priceCents, quantity: 3, filledQuantity: 0 }
		});
		expect(await orders.next(ofSell('PARTIALLY_FILLED'))).toMatchObject({
			order: { filledQuantity: 1 },
			fills: [{ tradeId, priceCents, quantity: 1, liquidity: 'MAKER' }]
		});
		expect(await trades.next((trade) => trade.id === tradeId)).toMatchObject({
			priceCents,
			quantity: 1,
			takerSide: 'BUY'
		});
		// The level's first change (merged as changes may be) or a later one leaves 2 of the 3.
		const rests = await book.next(
			(update) =>
				update.type === 'delta' &&
				update.levels.some(
					(level) =>
						level.side === 'SELL' && level.priceCents === priceCents && level.quantity === 2
				)
		);
		expect(rests.type === 'delta' && rests.levels).toContainEqual({
			side: 'SELL',
			priceCents,
			quantity: 2,
			orders: 1
		});
	} finally {
		if (resting) await maker.orders.cancel.mutate({ orderId: resting });
		for (const followed of [orders, trades, book]) followed.stop();
		makerSocket.close();
		visitorSocket.close();
	}
}

describe('two app processes on one database', () => {
	it('deliver an order placed through the first to the subscribers of the second', async () => {
		expect(second.origin).not.toBe(baseURL);
		await deliversAcross(baseURL, second.origin, 61);
	});

	it('deliver an order placed through the second to the subscribers of the first', async () => {
		await deliversAcross(second.origin, baseURL, 63);
	});
});
