// The engine service's HTTP surface, called with real fetches against a real child process:
// the token, the envelope, 400s that name the field, the body limit, unknown routes and methods,
// domain failures with their codes, and a graceful stop that finishes what is in flight.
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EngineUnavailableError } from '../../../src/lib/engine/engine';
import { RemoteEngine } from '../../../src/lib/engine/remote';
import { createTestDatabase, type TestDatabase } from '../../fixtures/database';
import { aFundedTrader } from '../../fixtures/engine';
import { startEngineService, type EngineServiceProcess } from '../../fixtures/engine-service';
import { startHoldingProxy } from '../../fixtures/holding-proxy';
import { aMarket } from '../../fixtures/markets';

let db: TestDatabase;
let service: EngineServiceProcess;
const token = randomBytes(24).toString('base64url');

beforeAll(async () => {
	db = await createTestDatabase();
	service = await startEngineService({ databaseUrl: db.url, token });
});
afterAll(async () => {
	await service?.stop();
	await db?.close();
});

interface CallOptions {
	method?: string;
	body?: unknown;
	/** Sent as it is instead of JSON-encoding `body`. */
	rawBody?: string;
	token?: string | null;
	contentType?: string;
}

async function call(path: string, options: CallOptions = {}) {
	const headers: Record<string, string> = {};
	const bearer = options.token === undefined ? token : options.token;
	if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
	const body =
		options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body));
	if (body !== undefined) headers['content-type'] = options.contentType ?? 'application/json';
	const response = await fetch(new URL(path, service.baseUrl.replace(/\/api\/v1$/, '')), {
		method: options.method ?? (body === undefined ? 'GET' : 'POST'),
		headers,
		body
	});
	return { status: response.status, headers: response.headers, json: await response.json() };
}

async function anOrder(overrides: Record<string, unknown> = {}) {
	const market = await aMarket(db);
	const trader = await aFundedTrader(db);
	return {
		market,
		trader,
		body: {
			userId: trader.id,
			marketId: market.id,
			optionId: market.optionIds[0],
			side: 'BUY',
			priceCents: 40,
			quantity: 2,
			...overrides
		}
	};
}

describe('the health check', () => {
	it('answers without a token, with the seed’s body', async () => {
		const { status, json } = await call('/health', { token: null });
		expect(status).toBe(200);
		expect(json).toEqual({
			success: true,
			data: {
				status: 'healthy',
				database: 'connected',
				timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
				version: expect.any(String)
			}
		});
	});
});

describe('the bearer token', () => {
	it.each([
		['no token', null],
		['a wrong token', 'not-the-engine-token-at-all']
	])('is required: %s gets 401 in the envelope', async (_case, presented) => {
		const { body } = await anOrder();
		for (const [path, options] of [
			['/api/v1/orders', { body, token: presented }],
			[`/api/v1/users/${body.userId}/positions`, { token: presented }]
		] as const) {
			const { status, json } = await call(path, options);
			expect(status).toBe(401);
			expect(json).toMatchObject({ success: false, error: { code: 'UNAUTHORIZED' } });
		}
	});

	it('refused makes RemoteEngine throw (a misconfiguration), not answer a domain failure', async () => {
		const engine = new RemoteEngine({
			baseUrl: service.baseUrl,
			token: 'not-the-engine-token-at-all',
			timeoutMs: 15_000
		});
		try {
			const failure = await engine.getPositions(randomUUID()).catch((error: unknown) => error);
			expect(failure).toBeInstanceOf(EngineUnavailableError);
			expect((failure as EngineUnavailableError).message).toMatch(/401/);
		} finally {
			engine.close();
		}
	});
});

describe('placing an order over HTTP', () => {
	it('answers 200 with the order in camelCase and its dates as ISO strings', async () => {
		const { body } = await anOrder();
		const { status, json } = await call('/api/v1/orders', { body });
		expect(status).toBe(200);
		expect(json.success).toBe(true);
		expect(json.data).toMatchObject({
			duplicate: false,
			fills: [],
			order: {
				status: 'OPEN',
				priceCents: 40,
				filledQuantity: 0,
				engine: 'remote',
				expiresAt: null,
				createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/)
			}
		});
	});

	it('answers 400 VALIDATION_FAILED for malformed JSON', async () => {
		const { status, json } = await call('/api/v1/orders', { rawBody: '{"userId": ' });
		expect(status).toBe(400);
		expect(json.error.code).toBe('VALIDATION_FAILED');
		expect(json.error.message).toMatch(/^body: malformed JSON/);
	});

	it('answers 400 naming an unknown field', async () => {
		const { body } = await anOrder({ leverage: 10 });
		const { status, json } = await call('/api/v1/orders', { body });
		expect(status).toBe(400);
		expect(json.error).toEqual({ code: 'VALIDATION_FAILED', message: 'leverage: unknown field' });
	});

	it('answers 400 naming a field of the wrong type', async () => {
		const { body } = await anOrder({ quantity: '2' });
		const { status, json } = await call('/api/v1/orders', { body });
		expect(status).toBe(400);
		expect(json.error.code).toBe('VALIDATION_FAILED');
		expect(json.error.message).toMatch(/^quantity: /);
	});

	it('answers 400 naming a nested field of a batch', async () => {
		const { body } = await anOrder();
		const { userId, ...order } = body;
		const { status, json } = await call('/api/v1/orders/batch', {
			body: { userId, orders: [order, { ...order, side: 'HOLD' }] }
		});
		expect(status).toBe(400);
		expect(json.error.message).toMatch(/^orders\.1\.side: /);
	});

	it('answers 413 for a body over the limit', async () => {
		const { body } = await anOrder({ clientOrderId: 'x'.repeat(70 * 1024) });
		const { status, json } = await call('/api/v1/orders', { body });
		expect(status).toBe(413);
		expect(json.error.code).toBe('PAYLOAD_TOO_LARGE');
	});

	it('answers 415 for a body that is not declared JSON', async () => {
		const { body } = await anOrder();
		const { status } = await call('/api/v1/orders', { body, contentType: 'text/plain' });
		expect(status).toBe(415);
	});

	it('answers 409 CLIENT_ORDER_ID_IN_USE when a clientOrderId is reused for another order', async () => {
		const { body } = await anOrder({ clientOrderId: `http-${randomUUID()}` });
		expect((await call('/api/v1/orders', { body })).status).toBe(200);
		const { status, json } = await call('/api/v1/orders', { body: { ...body, priceCents: 41 } });
		expect(status).toBe(409);
		expect(json.error.code).toBe('CLIENT_ORDER_ID_IN_USE');
	});
});

describe('other routes', () => {
	it('answers 404 NOT_FOUND for an unknown route', async () => {
		const { status, json } = await call('/api/v1/trades');
		expect(status).toBe(404);
		expect(json.error.code).toBe('NOT_FOUND');
	});

	it('answers 405 with Allow for a wrong method', async () => {
		const { status, headers, json } = await call('/api/v1/orders', { method: 'PUT' });
		expect(status).toBe(405);
		expect(headers.get('allow')).toBe('POST');
		expect(json.error.code).toBe('METHOD_NOT_ALLOWED');
	});

	it('answers 404 UNKNOWN_ORDER when cancelling an order the user does not have', async () => {
		const { status, json } = await call(`/api/v1/orders/999999999?userId=${randomUUID()}`, {
			method: 'DELETE'
		});
		expect(status).toBe(404);
		expect(json.error.code).toBe('UNKNOWN_ORDER');
	});

	it('answers 400 naming userId when a cancel does not say whose order it is', async () => {
		const { status, json } = await call('/api/v1/orders/1', { method: 'DELETE' });
		expect(status).toBe(400);
		expect(json.error.message).toMatch(/^userId: /);
	});

	it('answers 404 UNKNOWN_OPTION for a book read through the wrong market', async () => {
		const { market } = await anOrder();
		const other = await aMarket(db);
		const { status, json } = await call(
			`/api/v1/markets/${other.id}/options/${market.optionIds[0]}/orderbook`
		);
		expect(status).toBe(404);
		expect(json.error.code).toBe('UNKNOWN_OPTION');
	});

	it('answers 400 naming depth when it is not a number', async () => {
		const { market } = await anOrder();
		const { status, json } = await call(
			`/api/v1/markets/${market.id}/options/${market.optionIds[0]}/orderbook?depth=all`
		);
		expect(status).toBe(400);
		expect(json.error.message).toMatch(/^depth: /);
	});
});

describe('stopping the service', () => {
	it('exits cleanly on SIGTERM and stops accepting connections', async () => {
		const second = await startEngineService({ databaseUrl: db.url, token });
		expect((await fetch(second.healthUrl)).status).toBe(200);
		expect(await second.stop()).toBe(0);
		expect(second.output()).toMatch(/engine service stopped/);
		await expect(fetch(second.healthUrl)).rejects.toThrow();
	});

	it('finishes an order in flight when SIGTERM comes, then exits', async () => {
		const proxy = await startHoldingProxy(db.url);
		const second = await startEngineService({ databaseUrl: proxy.url, token });
		try {
			const { body } = await anOrder();
			const place = () =>
				fetch(`${second.baseUrl}/orders`, {
					method: 'POST',
					headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
					body: JSON.stringify(body)
				});
			expect((await place()).status).toBe(200);
			// The next order reaches the service, which starts its transaction: the database
			// never sees it while the proxy holds it.
			proxy.hold();
			const held = once(proxy.events, 'held');
			const inFlight = place();
			await held;
			second.process.kill('SIGTERM');
			await expect.poll(() => second.output()).toMatch(/finishing requests in flight/);
			proxy.release();
			const response = await inFlight;
			expect(response.status).toBe(200);
			// It closes its connection, so the service need not wait out its grace period for it.
			expect(response.headers.get('connection')).toBe('close');
			const json = (await response.json()) as { data: { order: { status: string } } };
			expect(json.data.order.status).toBe('OPEN');
			expect(await second.stop()).toBe(0);
			expect(second.output()).toMatch(/engine service stopped/);
		} finally {
			await second.kill();
			await proxy.close();
		}
	});
});
