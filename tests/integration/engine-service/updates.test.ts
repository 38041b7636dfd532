// The engine service's WebSocket /ws against a real child process: the token at upgrade,
// subscriptions acknowledged, and orderbook, price and match updates after a trade.
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { ClientRequest, IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { marketOfOptionIn, RemoteEngine } from '../../../src/lib/engine/remote';
import { ServerMessage } from '../../../src/lib/engine/wire';
import { PlaceOrderInput } from '../../../src/lib/shared/orders';
import { createTestDatabase, type TestDatabase } from '../../fixtures/database';
import { aFundedTrader } from '../../fixtures/engine';
import { startEngineService, type EngineServiceProcess } from '../../fixtures/engine-service';
import { aMarket } from '../../fixtures/markets';

let db: TestDatabase;
let service: EngineServiceProcess;
let engine: RemoteEngine;
const token = randomBytes(24).toString('base64url');

beforeAll(async () => {
	db = await createTestDatabase();
	// Pings every second, so that the keep-alive test sees two soon; not much more often, or a
	// test process stalled by a busy machine misses a pong and loses its socket mid-test.
	service = await startEngineService({
		databaseUrl: db.url,
		token,
		env: { ENGINE_WS_PING_MS: '1000' }
	});
	engine = new RemoteEngine({
		baseUrl: service.baseUrl,
		token,
		timeoutMs: 15_000,
		marketOfOption: marketOfOptionIn(db.pool)
	});
});
afterAll(async () => {
	engine?.close();
	await service?.stop();
	await db?.close();
});

/** A socket with every message it received, and a way to await the next that matches. */
async function connect(options: { headers?: Record<string, string>; query?: string } = {}) {
	const socket = new WebSocket(`${service.wsUrl}${options.query ?? ''}`, {
		headers: options.headers
	});
	const received: ServerMessage[] = [];
	const waiters: {
		test: (message: ServerMessage) => boolean;
		resolve: (m: ServerMessage) => void;
	}[] = [];
	socket.on('message', (raw) => {
		const message = ServerMessage.parse(JSON.parse(raw.toString()));
		received.push(message);
		for (const waiter of [...waiters]) {
			if (!waiter.test(message)) continue;
			waiters.splice(waiters.indexOf(waiter), 1);
			waiter.resolve(message);
		}
	});
	await once(socket, 'open');
	return {
		socket,
		send: (message: unknown) => socket.send(JSON.stringify(message)),
		/** The first message (already received or still to come) for which `test` holds. */
		next<E extends ServerMessage['event']>(
			event: E,
			test: (message: ServerMessage) => boolean = () => true
		) {
			const matches = (message: ServerMessage) => message.event === event && test(message);
			const seen = received.find(matches);
			if (seen) return Promise.resolve(seen as Extract<ServerMessage, { event: E }>);
			return new Promise<Extract<ServerMessage, { event: E }>>((resolve) =>
				waiters.push({ test: matches, resolve: resolve as (m: ServerMessage) => void })
			);
		},
		close: () => socket.close()
	};
}

/** The HTTP status the server answered an upgrade with, when it refused it. */
async function refusedUpgradeStatus(url: string): Promise<number> {
	const socket = new WebSocket(url);
	const [request, response] = (await once(socket, 'unexpected-response')) as [
		ClientRequest,
		IncomingMessage
	];
	// Listening for 'unexpected-response' makes ending the refused request ours to do.
	response.resume();
	request.destroy();
	return response.statusCode!;
}

describe('opening /ws', () => {
	it('is refused with 401 without the token', async () => {
		expect(await refusedUpgradeStatus(service.wsUrl)).toBe(401);
	});

	it('is refused with 401 with a wrong token', async () => {
		expect(await refusedUpgradeStatus(`${service.wsUrl}?token=not-the-token-at-all`)).toBe(401);
	});

	it('is accepted with the token as a bearer header or as ?token=', async () => {
		const withHeader = await connect({ headers: { authorization: `Bearer ${token}` } });
		const withQuery = await connect({ query: `?token=${token}` });
		expect([withHeader.socket.readyState, withQuery.socket.readyState]).toEqual([
			WebSocket.OPEN,
			WebSocket.OPEN
		]);
		withHeader.close();
		withQuery.close();
	});
});

describe('an open socket', () => {
	it('is pinged by the server, and stays open while it answers', async () => {
		const client = await connect({ query: `?token=${token}` });
		await once(client.socket, 'ping');
		await once(client.socket, 'ping');
		expect(client.socket.readyState).toBe(WebSocket.OPEN);
		client.close();
	});
});

describe('subscribing', () => {
	it('sends orderbook:update, price:update and match:update after a trade', async () => {
		const market = await aMarket(db);
		const optionId = market.optionIds[0]!;
		const [seller, buyer] = [await aFundedTrader(db), await aFundedTrader(db)];
		const client = await connect({ headers: { authorization: `Bearer ${token}` } });
		client.send({ type: 'subscribe', channel: 'orderbook', marketId: market.id, optionId });
		client.send({ type: 'subscribe', channel: 'price', marketId: market.id });
		client.send({ type: 'subscribe', channel: 'match', marketId: market.id, optionId });
		const acks = await Promise.all(
			(['orderbook', 'price', 'match'] as const).map((channel) =>
				client.next('subscribed', (m) => m.event === 'subscribed' && m.data.channel === channel)
			)
		);
		expect(acks[1]!.data.optionIds).toEqual(market.optionIds);

		const order = (side: 'BUY' | 'SELL') =>
			PlaceOrderInput.parse({ marketId: market.id, optionId, side, priceCents: 47, quantity: 2 });
		await engine.place(seller.id, order('SELL'));
		const taken = await engine.place(buyer.id, order('BUY'));
		expect(taken.ok && taken.value.order.status).toBe('FILLED');

		const [book, price, match] = await Promise.all([
			client.next('orderbook:update', (m) => 'levels' in m.data && m.data.levels.length > 0),
			client.next('price:update'),
			client.next('match:update')
		]);
		expect(book.data).toMatchObject({ marketId: market.id, optionId });
		expect(book.data.levels[0]).toMatchObject({ side: 'SELL', priceCents: 47 });
		expect(price.data).toEqual({ marketId: market.id, optionId, priceCents: 47, quantity: 2 });
		const { rows: trades } = await db.pool.query<{ id: string; created_at: Date }>(
			'SELECT id::text, created_at FROM trades WHERE option_id = $1',
			[optionId]
		);
		expect(match.data).toEqual({
			marketId: market.id,
			optionId,
			tradeId: trades[0]!.id,
			priceCents: 47,
			quantity: 2,
			takerSide: 'BUY',
			executedAt: trades[0]!.created_at.toISOString()
		});
		client.close();
	});

	it('answers MARKET_NOT_FOUND for a market that does not exist', async () => {
		const client = await connect({ query: `?token=${token}` });
		client.send({ type: 'subscribe', channel: 'price', marketId: randomUUID() });
		const error = await client.next('error');
		expect(error.data.code).toBe('MARKET_NOT_FOUND');
		client.close();
	});

	it('answers VALIDATION_FAILED naming the field of a bad message', async () => {
		const client = await connect({ query: `?token=${token}` });
		client.send({ type: 'subscribe', channel: 'volume', marketId: randomUUID() });
		const error = await client.next('error');
		expect(error.data).toMatchObject({ code: 'VALIDATION_FAILED' });
		expect(error.data.message).toMatch(/^channel: /);
		client.close();
	});
});
