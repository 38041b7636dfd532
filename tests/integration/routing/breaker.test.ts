// The circuit breaker around the remote engine, against a real engine service behind a fault
// proxy: it opens after consecutive failures or a failure rate, serves locally without calling
// the engine while open, lets one trial through after the cool-down, and closes on its success.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BreakerSettings } from '../../../src/lib/engine/breaker';
import { aSupportUser, type TestServices } from '../../fixtures/services';
import { startFaultProxy, type FaultProxy } from '../../fixtures/fault-proxy';
import { aMarket, aTraderOn, enginesCallerFor, limit, routingBed, servicesFor } from './bed';

const bed = routingBed();
let proxy: FaultProxy;
let supportId: string;

beforeAll(async () => {
	proxy = await startFaultProxy(new URL(bed.service.baseUrl).origin);
	supportId = (await aSupportUser(bed.db)).id;
});
afterAll(async () => {
	await proxy?.close();
});

/** Services behind the proxy with a breaker, and a trader the flags send to the remote engine. */
async function remoteTraderBehindBreaker(breaker: Partial<BreakerSettings>) {
	proxy.set('pass');
	const services = servicesFor(bed, { baseUrl: proxy.baseUrl, breaker });
	const trader = await aTraderOn(bed, services);
	await services.flags.store.setUser(supportId, {
		userId: trader.user.id,
		engine: 'remote',
		reason: 'breaker test'
	});
	const market = await aMarket(bed.db);
	let price = 10;
	const placeOne = () => trader.api.orders.place(limit(market, 'BUY', 1, price++));
	return { services, ...trader, market, placeOne };
}

/** Opens the breaker of `services` by failing `threshold` calls in a row. */
async function failInARow(threshold: number, placeOne: () => Promise<unknown>) {
	proxy.set('server-error');
	for (let i = 0; i < threshold; i++) await placeOne();
}

const stateOf = (services: TestServices) => services.engines.breaker.state;

describe('opening', () => {
	it('opens after the configured number of consecutive failures', async () => {
		const { services, placeOne } = await remoteTraderBehindBreaker({
			failureThreshold: 3,
			minimumCalls: 1_000,
			cooldownMs: 600_000
		});
		proxy.set('server-error');
		await placeOne();
		await placeOne();
		expect(stateOf(services)).toBe('closed');
		await placeOne();
		expect(stateOf(services)).toBe('open');
	});

	it('while open, serves calls locally without calling the engine', async () => {
		const { services, placeOne } = await remoteTraderBehindBreaker({
			failureThreshold: 2,
			minimumCalls: 1_000,
			cooldownMs: 600_000
		});
		await failInARow(2, placeOne);
		proxy.set('pass');
		const before = proxy.counts.received;
		const placed = await placeOne();
		expect(placed).toMatchObject({ engine: 'local', fallback: true });
		expect(proxy.counts.received).toBe(before);
		expect(await services.engineMetrics.text()).toMatch(
			/^betwise_engine_fallbacks_total\{from="remote",to="local",operation="place",reason="breaker-open"\} 1$/m
		);
	});

	it('opens on a failure rate over the window even when failures never run consecutively', async () => {
		const { services, placeOne } = await remoteTraderBehindBreaker({
			failureThreshold: 3,
			errorPercent: 50,
			minimumCalls: 6,
			cooldownMs: 600_000
		});
		proxy.queue('pass', 'server-error', 'server-error', 'pass', 'server-error');
		for (let i = 0; i < 5; i++) await placeOne();
		// 3 of 5 failed, but 5 calls are fewer than the 6 a rate needs.
		expect(stateOf(services)).toBe('closed');
		proxy.queue('server-error');
		await placeOne();
		expect(stateOf(services)).toBe('open');
	});

	it('does not count the engine’s domain refusals as failures', async () => {
		const { services, api } = await remoteTraderBehindBreaker({
			failureThreshold: 2,
			minimumCalls: 1_000,
			cooldownMs: 600_000
		});
		for (let i = 0; i < 4; i++) {
			await expect(api.orders.cancel({ orderId: String(900_000_000 + i) })).rejects.toMatchObject({
				code: 'NOT_FOUND'
			});
		}
		expect(stateOf(services)).toBe('closed');
		expect(await services.engineMetrics.text()).toMatch(
			/^betwise_engine_calls_total\{engine="remote",operation="cancel",outcome="refused"\} 4$/m
		);
	});
});

describe('recovering', () => {
	it('half-opens after the cool-down and closes when the trial succeeds', async () => {
		const { services, placeOne } = await remoteTraderBehindBreaker({
			failureThreshold: 2,
			minimumCalls: 1_000,
			cooldownMs: 100
		});
		await failInARow(2, placeOne);
		expect(stateOf(services)).toBe('open');
		await services.engines.breaker.reaches('halfOpen');
		proxy.set('pass');
		const trial = await placeOne();
		expect(trial).toMatchObject({ engine: 'remote', fallback: false });
		expect(stateOf(services)).toBe('closed');
	});

	it('lets a single trial through while half-open', async () => {
		const { services, placeOne } = await remoteTraderBehindBreaker({
			failureThreshold: 2,
			minimumCalls: 1_000,
			cooldownMs: 100
		});
		await failInARow(2, placeOne);
		await services.engines.breaker.reaches('halfOpen');
		proxy.set('pass');
		const before = proxy.counts.received;
		const placed = await Promise.all([placeOne(), placeOne(), placeOne()]);
		expect(proxy.counts.received - before).toBe(1);
		expect(placed.map((p) => p.engine).sort()).toEqual(['local', 'local', 'remote']);
		expect(stateOf(services)).toBe('closed');
	});

	it('opens again when the trial fails', async () => {
		const { services, placeOne } = await remoteTraderBehindBreaker({
			failureThreshold: 2,
			minimumCalls: 1_000,
			cooldownMs: 100
		});
		await failInARow(2, placeOne);
		await services.engines.breaker.reaches('halfOpen');
		const trial = await placeOne();
		expect(trial).toMatchObject({ engine: 'local', fallback: true });
		expect(stateOf(services)).toBe('open');
	});
});

describe('showing its state', () => {
	it('in admin.engines.stats and /metrics', async () => {
		const { services, placeOne } = await remoteTraderBehindBreaker({
			failureThreshold: 2,
			minimumCalls: 1_000,
			cooldownMs: 600_000
		});
		await failInARow(2, placeOne);
		const admin = await enginesCallerFor(services, await aSupportUser(bed.db));
		const stats = await admin.stats();
		expect(stats.breaker).toMatchObject({ state: 'open', failureThreshold: 2 });
		const remote = stats.engines.find((engine) => engine.engine === 'remote')!;
		expect(remote.totals).toMatchObject({ calls: 2, errors: 2, fallbacks: 2 });
		const local = stats.engines.find((engine) => engine.engine === 'local')!;
		expect(local.totals.fallbacksServed).toBe(2);
		const text = await services.engineMetrics.text();
		expect(text).toMatch(/^betwise_engine_breaker_state\{engine="remote",state="open"\} 1$/m);
		expect(text).toMatch(/^betwise_engine_breaker_state\{engine="remote",state="closed"\} 0$/m);
	});
});
