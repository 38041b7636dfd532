// Routing through the engine router with the real flags and a real engine service process: a
// user or market flag sends calls to the remote engine, everything else stays local, and each
// response (and each order) says which engine served it.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { consoleEngineLog } from '../../../src/lib/server/orders/engine-log';
import { aClosedPort } from '../../fixtures/fault-proxy';
import { aSupportUser } from '../../fixtures/services';
import type { TestServices } from '../../fixtures/services';
import { aMarket, aTraderOn, enginesCallerFor, limit, routingBed, servicesFor } from './bed';

const bed = routingBed();
let services: TestServices;
let supportId: string;

beforeAll(async () => {
	services = servicesFor(bed);
	supportId = (await aSupportUser(bed.db)).id;
});

const sendUserToRemote = (userId: string) =>
	services.flags.store.setUser(supportId, { userId, engine: 'remote', reason: 'test rollout' });
const sendMarketToRemote = (marketId: string) =>
	services.flags.store.setMarket(supportId, { marketId, engine: 'remote', reason: 'test rollout' });

describe('choosing the engine', () => {
	it('serves a trader with no flag on the local engine', async () => {
		const market = await aMarket(bed.db);
		const { api } = await aTraderOn(bed, services);
		const placed = await api.orders.place(limit(market, 'BUY', 2, 30));
		expect(placed).toMatchObject({ engine: 'local', fallback: false });
		expect(placed.order.engine).toBe('local');
	});

	it('serves a trader with a user flag on the remote engine, every operation', async () => {
		const market = await aMarket(bed.db);
		const { user, api } = await aTraderOn(bed, services);
		await sendUserToRemote(user.id);

		const placed = await api.orders.place(limit(market, 'BUY', 5, 30));
		expect(placed).toMatchObject({ engine: 'remote', fallback: false, duplicate: false });
		expect(placed.order.engine).toBe('remote');
		// The app named the order before sending it, so a lost answer could be retried safely.
		expect(placed.order.clientOrderId).toMatch(/^bw-[0-9a-f-]{36}$/);

		const amended = await api.orders.amend({ orderId: placed.order.id, quantity: 3 });
		expect(amended).toMatchObject({ engine: 'remote', fallback: false });
		expect(amended.order.quantity).toBe(3);

		const positions = await api.positions.mine();
		expect(positions.engine).toBe('remote');

		const cancelled = await api.orders.cancel({ orderId: placed.order.id });
		expect(cancelled).toMatchObject({ engine: 'remote', fallback: false });
		expect(cancelled.order.status).toBe('CANCELLED');

		const batch = await api.orders.placeBatch({
			orders: [limit(market, 'BUY', 1, 20), limit(market, 'BUY', 1, 21)]
		});
		expect(batch).toMatchObject({ engine: 'remote', fallback: false });
		expect(batch.results.map((r) => r.ok && r.order.engine)).toEqual(['remote', 'remote']);

		const all = await api.orders.cancelAll({ marketId: market.id });
		expect(all.engine).toBe('remote');
		expect(all.orders).toHaveLength(2);
	});

	it('routes a flagged market’s orders, amends and cancels to the remote engine', async () => {
		const flagged = await aMarket(bed.db);
		const other = await aMarket(bed.db);
		await sendMarketToRemote(flagged.id);
		const { api } = await aTraderOn(bed, services);

		const inFlagged = await api.orders.place(limit(flagged, 'BUY', 1, 40));
		const elsewhere = await api.orders.place(limit(other, 'BUY', 1, 40));
		expect(inFlagged.engine).toBe('remote');
		expect(elsewhere.engine).toBe('local');

		// Cancels know only the order id: the order's market still decides.
		expect((await api.orders.cancel({ orderId: inFlagged.order.id })).engine).toBe('remote');
		expect((await api.orders.cancel({ orderId: elsewhere.order.id })).engine).toBe('local');

		const book = await api.books.get({ optionId: flagged.optionIds[0]! });
		expect(book.engine).toBe('remote');
	});

	it('splits a batch across markets by each market’s engine', async () => {
		const flagged = await aMarket(bed.db);
		const other = await aMarket(bed.db);
		await sendMarketToRemote(flagged.id);
		const { api } = await aTraderOn(bed, services);
		const batch = await api.orders.placeBatch({
			orders: [
				limit(flagged, 'BUY', 1, 40),
				limit(other, 'BUY', 1, 40),
				limit(flagged, 'BUY', 1, 41)
			]
		});
		expect(batch.results.map((r) => r.ok && r.order.engine)).toEqual(['remote', 'local', 'remote']);
		// Not all of it was the remote's: the batch is reported as local, without a fallback.
		expect(batch).toMatchObject({ engine: 'local', fallback: false });
	});

	it('lists each order with the engine that placed it', async () => {
		const market = await aMarket(bed.db);
		const other = await aMarket(bed.db);
		await sendMarketToRemote(market.id);
		const { api } = await aTraderOn(bed, services);
		const remote = await api.orders.place(limit(market, 'BUY', 1, 10));
		const local = await api.orders.place(limit(other, 'BUY', 1, 10));
		const { items } = await api.orders.list();
		expect(items.map((order) => [order.id, order.engine])).toEqual([
			[local.order.id, 'local'],
			[remote.order.id, 'remote']
		]);
		expect((await api.orders.get({ orderId: remote.order.id })).order.engine).toBe('remote');
	});

	it('logs one line per engine call with the engine that served it', async () => {
		const market = await aMarket(bed.db);
		const { user, api } = await aTraderOn(bed, services);
		await sendUserToRemote(user.id);
		await api.orders.place(limit(market, 'BUY', 1, 10));
		expect(services.engineCalls.at(-1)).toMatchObject({
			engine: 'remote',
			fallback: false,
			operation: 'place',
			ok: true,
			userId: user.id
		});
	});
});

describe('the engine log', () => {
	/** The server's own log lines (consoleEngineLog) of every engine call `work` makes. */
	async function engineLogLinesOf(work: () => Promise<void>): Promise<string[]> {
		const lines: string[] = [];
		const info = vi.spyOn(console, 'info').mockImplementation((...args: unknown[]) => {
			const line = args.map(String).join(' ');
			if (line.startsWith('engine=')) lines.push(line);
		});
		try {
			await work();
		} finally {
			info.mockRestore();
		}
		return lines;
	}
	const LINE =
		/^engine=(local|remote) fallback=(true|false) op=(\w+) ok=(true|false) latencyMs=(\S+) user=(\S+)$/;

	it('writes exactly one line per engine call, each with its engine, operation, fallback and latency', async () => {
		const logged = { ...services, logEngineCall: consoleEngineLog };
		const unreachable = servicesFor(bed, {
			baseUrl: `http://127.0.0.1:${await aClosedPort()}/api/v1`,
			breaker: { failureThreshold: 1_000, minimumCalls: 1_000 }
		});
		const loggedUnreachable = { ...unreachable, logEngineCall: consoleEngineLog };
		const market = await aMarket(bed.db);
		const local = await aTraderOn(bed, logged);
		const remote = await aTraderOn(bed, logged);
		await sendUserToRemote(remote.user.id);
		const fallingBack = await aTraderOn(bed, loggedUnreachable);
		await sendUserToRemote(fallingBack.user.id);

		const lines = await engineLogLinesOf(async () => {
			await local.api.orders.place(limit(market, 'BUY', 1, 10));
			await local.api.books.get({ optionId: market.optionIds[0]! });
			await local.api.positions.mine();
			const placed = await remote.api.orders.place(limit(market, 'BUY', 2, 11));
			await remote.api.orders.amend({ orderId: placed.order.id, quantity: 1 });
			await remote.api.orders.cancel({ orderId: placed.order.id });
			await fallingBack.api.orders.place(limit(market, 'BUY', 1, 12));
		});

		expect(lines).toHaveLength(7);
		const parsed = lines.map((line) => {
			const match = LINE.exec(line);
			expect(match, line).not.toBeNull();
			const [, engine, fallback, op, ok, latencyMs, user] = match!;
			return { engine, fallback, op, ok, latencyMs: Number(latencyMs), user };
		});
		expect(parsed.map(({ engine, fallback, op, user }) => [engine, fallback, op, user])).toEqual([
			['local', 'false', 'place', local.user.id],
			['local', 'false', 'getOrderBook', local.user.id],
			['local', 'false', 'getPositions', local.user.id],
			['remote', 'false', 'place', remote.user.id],
			['remote', 'false', 'amend', remote.user.id],
			['remote', 'false', 'cancel', remote.user.id],
			['local', 'true', 'place', fallingBack.user.id]
		]);
		for (const { ok, latencyMs } of parsed) {
			expect(ok).toBe('true');
			expect(Number.isFinite(latencyMs)).toBe(true);
			expect(latencyMs).toBeGreaterThanOrEqual(0);
		}
	});
});

describe('admin.engines', () => {
	it('shows support staff both engines’ numbers, percentiles and the breaker', async () => {
		const market = await aMarket(bed.db);
		const { user, api } = await aTraderOn(bed, services);
		await sendUserToRemote(user.id);
		await api.orders.place(limit(market, 'BUY', 1, 10));
		const admin = await enginesCallerFor(services, await aSupportUser(bed.db));
		const stats = await admin.stats({ windowMinutes: 5 });
		const remote = stats.engines.find((engine) => engine.engine === 'remote')!;
		expect(remote.window.calls).toBeGreaterThan(0);
		expect(remote.window.p50Ms).not.toBeNull();
		expect(remote.window.p99Ms!).toBeGreaterThanOrEqual(remote.window.p50Ms!);
		expect(remote.series).toHaveLength(180);
		expect(stats.breaker).toMatchObject({ engine: 'remote', state: 'closed' });
	});

	it('reports both engines healthy when both answer', async () => {
		const admin = await enginesCallerFor(services, await aSupportUser(bed.db));
		const { engines } = await admin.health();
		expect(engines).toEqual([
			expect.objectContaining({ engine: 'local', reachable: true, status: 'healthy' }),
			expect.objectContaining({ engine: 'remote', reachable: true, status: 'healthy' })
		]);
	});

	it('reports an unreachable remote engine as such, with the reason, instead of failing', async () => {
		const cut = servicesFor(bed, { baseUrl: 'http://127.0.0.1:1/api/v1' });
		const admin = await enginesCallerFor(cut, await aSupportUser(bed.db));
		const { engines } = await admin.health();
		expect(engines[1]).toMatchObject({ engine: 'remote', reachable: false });
		expect(engines[1]!.reachable === false && engines[1]!.reason).toMatch(/^connection/);
	});

	it('is FORBIDDEN to traders', async () => {
		const { user } = await aTraderOn(bed, services);
		const trader = await enginesCallerFor(services, user);
		await expect(trader.stats()).rejects.toMatchObject({ code: 'FORBIDDEN' });
		await expect(trader.health()).rejects.toMatchObject({ code: 'FORBIDDEN' });
	});
});

describe('/metrics', () => {
	it('has the call counters, latency histogram and breaker state in Prometheus text', async () => {
		const market = await aMarket(bed.db);
		const { user, api } = await aTraderOn(bed, services);
		await sendUserToRemote(user.id);
		await api.orders.place(limit(market, 'BUY', 1, 10));
		const text = await services.engineMetrics.text();
		expect(text).toMatch(
			/^betwise_engine_calls_total\{engine="remote",operation="place",outcome="ok"\} [1-9]\d*$/m
		);
		expect(text).toMatch(
			/^betwise_engine_call_duration_seconds_count\{engine="remote",operation="place"\} [1-9]/m
		);
		expect(text).toMatch(/^betwise_engine_breaker_state\{engine="remote",state="closed"\} 1$/m);
		expect(services.engineMetrics.contentType).toMatch(/^text\/plain/);
	});
});
