// Fallback to the local engine when the remote engine cannot answer — nothing listening, a 500,
// garbage, a timeout, a cut connection — and exactly-once when the remote committed the call but
// its answer was lost: the local engine retries under the same clientOrderId and finds it.
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aSupportUser, type TestServices } from '../../fixtures/services';
import { aClosedPort, startFaultProxy, type FaultProxy } from '../../fixtures/fault-proxy';
import {
	aMarket,
	aTraderOn,
	limit,
	ordersUnder,
	routingBed,
	servicesFor,
	tradedQuantity,
	type RoutingBed
} from './bed';

const bed = routingBed();
let proxy: FaultProxy;
let supportId: string;
/** Never opens during these tests: each one is about a single call. */
const noBreaker = { failureThreshold: 1_000, minimumCalls: 1_000 };

beforeAll(async () => {
	proxy = await startFaultProxy(new URL(bed.service.baseUrl).origin);
	supportId = (await aSupportUser(bed.db)).id;
});
afterAll(async () => {
	await proxy?.close();
});

/** A funded trader whose user flag sends their calls to the remote engine of `services`. */
async function aRemoteTrader(target: RoutingBed, services: TestServices) {
	const trader = await aTraderOn(target, services);
	await services.flags.store.setUser(supportId, {
		userId: trader.user.id,
		engine: 'remote',
		reason: 'fallback test'
	});
	return trader;
}

describe('falling back when the remote engine cannot answer', () => {
	it('places the order locally when nothing listens at the engine’s address', async () => {
		const services = servicesFor(bed, {
			baseUrl: `http://127.0.0.1:${await aClosedPort()}/api/v1`,
			breaker: noBreaker
		});
		const market = await aMarket(bed.db);
		const { user, api } = await aRemoteTrader(bed, services);
		const placed = await api.orders.place(
			limit(market, 'BUY', 2, 30, { clientOrderId: 'refused-1' })
		);
		expect(placed).toMatchObject({ engine: 'local', fallback: true, duplicate: false });
		expect(placed.order).toMatchObject({ engine: 'local', status: 'OPEN' });
		expect(await ordersUnder(bed.db, user.id, 'refused-1')).toHaveLength(1);
		expect(services.engineCalls.at(-1)).toMatchObject({ engine: 'local', fallback: true });
		expect(await services.engineMetrics.text()).toMatch(
			/^betwise_engine_fallbacks_total\{from="remote",to="local",operation="place",reason="connection"\} 1$/m
		);
	});

	it.each([
		['a 500', 'server-error', 'server-error'],
		['garbage', 'garbage', 'malformed']
	] as const)(
		'places the order locally when the engine answers %s',
		async (_what, fault, reason) => {
			const services = servicesFor(bed, { baseUrl: proxy.baseUrl, breaker: noBreaker });
			const market = await aMarket(bed.db);
			const { user, api } = await aRemoteTrader(bed, services);
			proxy.queue(fault);
			const placed = await api.orders.place(limit(market, 'BUY', 2, 30));
			expect(placed).toMatchObject({ engine: 'local', fallback: true, duplicate: false });
			expect(await ordersUnder(bed.db, user.id, placed.order.clientOrderId)).toHaveLength(1);
			expect(await services.engineMetrics.text()).toContain(
				`betwise_engine_fallbacks_total{from="remote",to="local",operation="place",reason="${reason}"} 1`
			);
		}
	);

	it('reads books and positions locally too', async () => {
		const services = servicesFor(bed, { baseUrl: proxy.baseUrl, breaker: noBreaker });
		const market = await aMarket(bed.db);
		const { api } = await aRemoteTrader(bed, services);
		proxy.queue('server-error', 'server-error');
		expect(await api.positions.mine()).toMatchObject({ engine: 'local', fallback: true });
		expect(await api.books.get({ optionId: market.optionIds[0]! })).toMatchObject({
			engine: 'local',
			fallback: true
		});
	});
});

describe('exactly once when the remote committed but its answer was lost', () => {
	it('never fills an order twice when the engine answers slower than the timeout', async () => {
		const services = servicesFor(bed, {
			baseUrl: proxy.baseUrl,
			timeoutMs: 300,
			breaker: noBreaker
		});
		const market = await aMarket(bed.db);
		const seller = await aTraderOn(bed, services);
		const ask = await seller.api.orders.place(limit(market, 'SELL', 5, 45));
		const { user, api } = await aRemoteTrader(bed, services);

		proxy.queue('hang');
		const committed = once(proxy.events, 'upstream-answered');
		const placed = await api.orders.place(
			limit(market, 'BUY', 5, 50, { clientOrderId: 'slow-buy' })
		);
		await committed;

		expect(placed).toMatchObject({ engine: 'local', fallback: true, duplicate: false });
		const stored = await ordersUnder(bed.db, user.id, 'slow-buy');
		expect(stored).toHaveLength(1);
		expect(stored[0]!.filled).toBe(5);
		expect(await tradedQuantity(bed.db, stored[0]!.id)).toBe(5);
		expect(await tradedQuantity(bed.db, ask.order.id)).toBe(5);
	});

	it('answers with the order the remote placed, as placed and with its fills, when the connection is cut', async () => {
		const services = servicesFor(bed, { baseUrl: proxy.baseUrl, breaker: noBreaker });
		const market = await aMarket(bed.db);
		const seller = await aTraderOn(bed, services);
		await seller.api.orders.place(limit(market, 'SELL', 3, 45));
		const { user, api } = await aRemoteTrader(bed, services);

		proxy.queue('drop-after-commit');
		const placed = await api.orders.place(limit(market, 'BUY', 3, 50));

		// Found, not placed again: recorded by the remote engine, served by the local one.
		expect(placed).toMatchObject({ engine: 'local', fallback: true, duplicate: false });
		expect(placed.order).toMatchObject({ engine: 'remote', status: 'FILLED', filledQuantity: 3 });
		expect(placed.fills).toEqual([expect.objectContaining({ quantity: 3, liquidity: 'TAKER' })]);
		expect(await ordersUnder(bed.db, user.id, placed.order.clientOrderId)).toHaveLength(1);
	});

	it('does the same for a clientOrderId the trader chose, and still reports a real resend as a duplicate', async () => {
		const services = servicesFor(bed, { baseUrl: proxy.baseUrl, breaker: noBreaker });
		const market = await aMarket(bed.db);
		const { user, api } = await aRemoteTrader(bed, services);
		const order = limit(market, 'BUY', 2, 20, { clientOrderId: 'mine-1' });

		proxy.queue('drop-after-commit');
		const first = await api.orders.place(order);
		expect(first).toMatchObject({ fallback: true, duplicate: false });
		expect(first.order.engine).toBe('remote');

		const again = await api.orders.place(order);
		expect(again).toMatchObject({ engine: 'remote', fallback: false, duplicate: true });
		expect(again.order.id).toBe(first.order.id);
		expect(await ordersUnder(bed.db, user.id, 'mine-1')).toHaveLength(1);
	});

	it('places each order of a batch once', async () => {
		const services = servicesFor(bed, { baseUrl: proxy.baseUrl, breaker: noBreaker });
		const market = await aMarket(bed.db);
		const { user, api } = await aRemoteTrader(bed, services);
		proxy.queue('drop-after-commit');
		const batch = await api.orders.placeBatch({
			orders: [limit(market, 'BUY', 1, 20), limit(market, 'BUY', 1, 21)]
		});
		expect(batch).toMatchObject({ engine: 'local', fallback: true });
		for (const result of batch.results) {
			expect(result).toMatchObject({ ok: true, duplicate: false, order: { engine: 'remote' } });
			if (result.ok) {
				expect(await ordersUnder(bed.db, user.id, result.order.clientOrderId)).toHaveLength(1);
			}
		}
	});

	it('answers a cancel the remote made with the cancelled order, not UNKNOWN_ORDER', async () => {
		const services = servicesFor(bed, { baseUrl: proxy.baseUrl, breaker: noBreaker });
		const market = await aMarket(bed.db);
		const { api } = await aRemoteTrader(bed, services);
		const placed = await api.orders.place(limit(market, 'BUY', 2, 20));
		expect(placed.engine).toBe('remote');

		proxy.queue('drop-after-commit');
		const cancelled = await api.orders.cancel({ orderId: placed.order.id });
		expect(cancelled).toMatchObject({ engine: 'local', fallback: true });
		expect(cancelled.order).toMatchObject({ id: placed.order.id, status: 'CANCELLED' });
	});

	it('answers an amend the remote made with the amended order', async () => {
		const services = servicesFor(bed, { baseUrl: proxy.baseUrl, breaker: noBreaker });
		const market = await aMarket(bed.db);
		const { api } = await aRemoteTrader(bed, services);
		const placed = await api.orders.place(limit(market, 'BUY', 5, 20));

		proxy.queue('drop-after-commit');
		const amended = await api.orders.amend({
			orderId: placed.order.id,
			quantity: 2,
			priceCents: 21
		});
		expect(amended).toMatchObject({ engine: 'local', fallback: true, duplicate: false });
		expect(amended.order).toMatchObject({ quantity: 2, priceCents: 21, status: 'OPEN' });
	});

	it('lists what the remote cancelled before the answer was lost in a cancel-all', async () => {
		const services = servicesFor(bed, { baseUrl: proxy.baseUrl, breaker: noBreaker });
		const market = await aMarket(bed.db);
		const { api } = await aRemoteTrader(bed, services);
		const a = await api.orders.place(limit(market, 'BUY', 1, 20));
		const b = await api.orders.place(limit(market, 'BUY', 1, 21));

		proxy.queue('drop-after-commit');
		const all = await api.orders.cancelAll({ marketId: market.id });
		expect(all).toMatchObject({ engine: 'local', fallback: true });
		expect(all.orders.map((order) => order.id).sort()).toEqual([a.order.id, b.order.id].sort());
	});
});
