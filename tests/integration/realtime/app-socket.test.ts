// The app's own router over a real WebSocket: the signed-in user comes from the session cookie
// at upgrade, and signing out (or an admin revoking the sessions) closes that session's sockets;
// keep-alive pings reach every client, and one that stops answering them is closed.
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createSession, findActiveSession, hashToken } from '../../../src/lib/server/auth/sessions';
import { createContext } from '../../../src/lib/server/trpc/context';
import { createCaller } from '../../../src/lib/server/trpc/root';
import { SESSION_CLOSE_CODE } from '../../../src/lib/server/ws/endpoint';
import { createTestDatabase, type TestDatabase } from '../../fixtures/database';
import { aMarket } from '../../fixtures/markets';
import { appClient, startAppSocketServer, type AppSocketServer } from '../../fixtures/app-socket';
import { aTrader, anAdmin, callerFor, type TestServices } from '../../fixtures/services';
import { OrderView, PlaceOrderInput } from '../../../src/lib/shared/orders';
import { closeMarket } from '../../../src/lib/engine/lifecycle';
import { EVENTS_CHANNEL } from '../../../src/lib/engine/local/writes';
import { MAX_ORDER_REPLAY } from '../../../src/lib/server/trpc/routers/orders/on-my-updates.handler';
import { eventIdOf } from '../../fixtures/event-cursor';

let db: TestDatabase;
let app: AppSocketServer;
let services: TestServices;
let origin: string;

beforeAll(async () => {
	db = await createTestDatabase();
	app = await startAppSocketServer(db);
	({ services, origin } = app);
});
afterAll(async () => {
	await app.close();
	await db.close();
});

const signedInSocket = (token: string) => appClient(origin, token);

describe("the app's WebSocket", () => {
	it('knows who is signed in from the session cookie', async () => {
		const trader = await aTrader(db);
		const { token } = await createSession(db.prisma, trader.id, 1);
		const client = signedInSocket(token);
		expect((await client.trpc.auth.me.query())?.email).toBe(trader.email);
		await client.close();
	});

	it("closes the session's sockets when the trader signs out", async () => {
		const trader = await aTrader(db);
		const { token } = await createSession(db.prisma, trader.id, 1);
		const client = signedInSocket(token);
		await client.opened;
		const session = await findActiveSession(db.prisma, token);
		const caller = createCaller(
			createContext({
				services,
				session,
				origin,
				allowedOrigins: [origin],
				clientAddress: '127.0.0.1'
			})
		);
		await caller.auth.logout();
		expect(await client.closed).toBe(SESSION_CLOSE_CODE);
		await client.close();
	});

	it('closes a socket when the session it signed in with expires, and no other', async () => {
		const trader = await aTrader(db);
		// Long enough to connect and be served on a busy machine; the close comes at its end.
		const shortLived = await createSession(db.prisma, trader.id, 3 / 3600);
		const client = signedInSocket(shortLived.token);
		const other = signedInSocket((await createSession(db.prisma, trader.id, 1)).token);
		expect((await client.trpc.auth.me.query())?.email).toBe(trader.email);
		expect(await client.closed).toBe(SESSION_CLOSE_CODE);
		expect(Date.now()).toBeGreaterThanOrEqual(shortLived.expiresAt.getTime());
		expect((await other.trpc.auth.me.query())?.email).toBe(trader.email);
		expect(other.state()).toBe(WebSocket.OPEN);
		await Promise.all([client.close(), other.close()]);
	});

	it("closes every socket of a user whose sessions an admin revokes, and no one else's", async () => {
		const trader = await aTrader(db);
		const bystander = await aTrader(db);
		const mine = [
			await createSession(db.prisma, trader.id, 1),
			await createSession(db.prisma, trader.id, 1)
		];
		const sockets = mine.map(({ token }) => signedInSocket(token));
		const other = signedInSocket((await createSession(db.prisma, bystander.id, 1)).token);
		await Promise.all([...sockets, other].map((client) => client.opened));
		const admin = await callerFor(services, await anAdmin(db));
		expect(await admin.admin.users.revokeSessions({ userId: trader.id })).toEqual({ revoked: 2 });
		expect(await Promise.all(sockets.map((client) => client.closed))).toEqual([
			SESSION_CLOSE_CODE,
			SESSION_CLOSE_CODE
		]);
		expect(other.state()).toBe(WebSocket.OPEN);
		expect(hashToken(mine[0]!.token)).not.toBe(hashToken(mine[1]!.token));
		await Promise.all([other, ...sockets].map((client) => client.close()));
	});

	it("streams the signed-in trader's own order updates, and nobody else's", async () => {
		const trader = await aTrader(db, { cashCents: 100_000n });
		const other = await aTrader(db, { cashCents: 100_000n });
		const market = await aMarket(db);
		const { token } = await createSession(db.prisma, trader.id, 1);
		const client = signedInSocket(token);
		const order = (priceCents: number) =>
			PlaceOrderInput.parse({
				marketId: market.id,
				optionId: market.optionIds[0]!,
				side: 'BUY',
				priceCents,
				quantity: 2
			});
		const update = new Promise<unknown>((resolve) => {
			const subscription = client.trpc.orders.onMyUpdates.subscribe(undefined, {
				onStarted: async () => {
					await services.engine.place(other.id, order(20));
					await services.engine.place(trader.id, order(21));
				},
				onData: (data) => {
					resolve(data.data);
					subscription.unsubscribe();
				}
			});
		});
		expect(await update).toMatchObject({
			type: 'order',
			order: { userId: trader.id, priceCents: 21, status: 'OPEN' }
		});
		await client.close();
	});

	it('sends with each order update the fills that change made, at their prices', async () => {
		const maker = await aTrader(db, { cashCents: 100_000n });
		const taker = await aTrader(db, { cashCents: 100_000n });
		const market = await aMarket(db);
		const { token } = await createSession(db.prisma, maker.id, 1);
		const client = signedInSocket(token);
		const order = (side: 'BUY' | 'SELL', priceCents: number, quantity: number) =>
			PlaceOrderInput.parse({
				marketId: market.id,
				optionId: market.optionIds[0]!,
				side,
				priceCents,
				quantity
			});
		const updates: { order: { status: string }; fills: unknown[] }[] = [];
		const filled = new Promise<void>((resolve) => {
			const subscription = client.trpc.orders.onMyUpdates.subscribe(undefined, {
				onStarted: async () => {
					await services.engine.place(maker.id, order('SELL', 40, 3));
					await services.engine.place(taker.id, order('BUY', 45, 2));
				},
				onData: ({ data }) => {
					if (data.type !== 'order') return;
					updates.push(data);
					if (data.order.status === 'PARTIALLY_FILLED') {
						subscription.unsubscribe();
						resolve();
					}
				}
			});
		});
		await filled;
		expect(updates.map(({ order, fills }) => [order.status, fills])).toEqual([
			['OPEN', []],
			[
				'PARTIALLY_FILLED',
				[expect.objectContaining({ priceCents: 40, quantity: 2, liquidity: 'MAKER' })]
			]
		]);
		await client.close();
	});

	it('sends each update as the whole order, dates as dates, also when a market closing cancels it', async () => {
		const trader = await aTrader(db, { cashCents: 100_000n });
		const market = await aMarket(db);
		const { token } = await createSession(db.prisma, trader.id, 1);
		const client = signedInSocket(token);
		const orders: OrderView[] = [];
		const cancelled = new Promise<void>((resolve, reject) => {
			const subscription = client.trpc.orders.onMyUpdates.subscribe(undefined, {
				onStarted: async () => {
					await services.engine.place(
						trader.id,
						PlaceOrderInput.parse({
							marketId: market.id,
							optionId: market.optionIds[0]!,
							side: 'BUY',
							priceCents: 35,
							quantity: 2
						})
					);
					await closeMarket(db.pool, market.id);
				},
				onData: ({ data }) => {
					if (data.type !== 'order') return reject(new Error(`unexpected ${data.type}`));
					orders.push(data.order);
					if (data.order.status === 'CANCELLED') {
						subscription.unsubscribe();
						resolve();
					}
				},
				onError: reject
			});
		});
		await cancelled;
		// Each one is an OrderView to the letter: no field missing, none extra, dates as Dates.
		expect(orders.map((order) => OrderView.parse(order))).toEqual(orders);
		const [open, closed] = orders as [OrderView, OrderView];
		expect(closed).toEqual({
			...open,
			status: 'CANCELLED',
			rejectReason: 'MARKET_CLOSED',
			updatedAt: expect.any(Date)
		});
		expect(closed.createdAt).toEqual(open.createdAt);
		await client.close();
	});

	it('tells a client to resync on an order update that holds only an id and a status', async () => {
		// As a market's closing wrote them before it wrote the whole order.
		const trader = await aTrader(db, { cashCents: 100_000n });
		const { token } = await createSession(db.prisma, trader.id, 1);
		const client = signedInSocket(token);
		const item = new Promise<unknown>((resolve, reject) => {
			const subscription = client.trpc.orders.onMyUpdates.subscribe(undefined, {
				onStarted: () =>
					void db.pool
						.query(
							`WITH e AS (INSERT INTO events (topic, kind, user_id, payload)
							            VALUES ($1, 'order', $2::uuid, $3::json) RETURNING id)
							 SELECT pg_notify('${EVENTS_CHANNEL}', id::text) FROM e`,
							[
								`user:${trader.id}`,
								trader.id,
								JSON.stringify({ id: '1', status: 'CANCELLED', reason: 'MARKET_CLOSED' })
							]
						)
						.catch(reject),
				onData: ({ data }) => {
					subscription.unsubscribe();
					resolve(data);
				},
				onError: reject
			});
		});
		expect(await item).toEqual({ type: 'resync' });
		await client.close();
	});

	describe('orders.onMyUpdates after a reconnect (lastEventId)', () => {
		type Item = { id: string; data: { type: 'order' | 'resync'; order?: { priceCents: number } } };

		/** Subscribes with `lastEventId` and collects items until `until` says it has enough. */
		function collect(
			client: ReturnType<typeof signedInSocket>,
			lastEventId: string | undefined,
			until: (items: Item[]) => boolean,
			onStarted?: () => Promise<void>
		): Promise<Item[]> {
			const items: Item[] = [];
			return new Promise((resolve, reject) => {
				const subscription = client.trpc.orders.onMyUpdates.subscribe(
					lastEventId === undefined ? undefined : { lastEventId },
					{
						onStarted: () => void onStarted?.().catch(reject),
						onData: (item) => {
							items.push(item as Item);
							if (until(items)) {
								subscription.unsubscribe();
								resolve(items);
							}
						},
						onError: reject
					}
				);
			});
		}

		/** The update of a first order (at 10¢), the cursor a reconnecting client then holds. */
		async function firstUpdate(
			client: ReturnType<typeof signedInSocket>,
			place: (priceCents: number) => Promise<unknown>
		): Promise<Item> {
			const [first] = await collect(
				client,
				undefined,
				(items) => items.length === 1,
				() => place(10).then(() => undefined)
			);
			return first!;
		}

		async function signedInTrader() {
			const trader = await aTrader(db, { cashCents: 100_000n });
			const market = await aMarket(db);
			const { token } = await createSession(db.prisma, trader.id, 1);
			const place = (priceCents: number) =>
				services.engine.place(
					trader.id,
					PlaceOrderInput.parse({
						marketId: market.id,
						optionId: market.optionIds[0]!,
						side: 'BUY',
						priceCents,
						quantity: 1
					})
				);
			return { trader, client: signedInSocket(token), place };
		}

		it('replays exactly the updates missed while away, then goes on live', async () => {
			const { client, place } = await signedInTrader();
			const first = await firstUpdate(client, place);
			// Away: three orders placed while no subscription listens.
			for (const price of [11, 12, 13]) await place(price);
			const items = await collect(
				client,
				first.id,
				(got) => got.length === 4,
				() => place(14).then(() => undefined)
			);
			expect(items.map((item) => item.data.order?.priceCents)).toEqual([11, 12, 13, 14]);
			const ids = items.map((item) => BigInt(eventIdOf(item.id)));
			const firstId = BigInt(eventIdOf(first.id));
			expect(ids.every((id, i) => id > firstId && (i === 0 || id > ids[i - 1]!))).toBe(true);
			await client.close();
		});

		it('tells a client that missed more than can be replayed to resync', async () => {
			const { trader, client, place } = await signedInTrader();
			const first = await firstUpdate(client, place);
			// More events on the trader's topic than a replay sends (of a kind the stream skips, so
			// that the hub's live delivery of them does not show up in what the client gets).
			const { rows } = await db.pool.query<{ newest: string }>(
				`WITH notes AS (
				   INSERT INTO events (topic, kind, user_id, payload)
				   SELECT $1, 'note', $2::uuid, '{}'::jsonb FROM generate_series(1, $3::int)
				   RETURNING id)
				 SELECT max(id)::text AS newest FROM notes`,
				[`user:${trader.id}`, trader.id, MAX_ORDER_REPLAY + 1]
			);
			// Delivered live before the client is back: more than a subscriber holds during its
			// replay would be a second resync.
			await expect
				.poll(() => BigInt(services.events.stats().lastEventId ?? 0) >= BigInt(rows[0]!.newest))
				.toBe(true);
			const items = await collect(
				client,
				first.id,
				(got) => got.length === 2,
				() => place(11).then(() => undefined)
			);
			expect(items.map((item) => item.data.type)).toEqual(['resync', 'order']);
			expect(items[1]!.data.order?.priceCents).toBe(11);
			await client.close();
		});

		/** The newest event id the outbox has handed out, as the server reckons it. */
		async function newestEventId(): Promise<bigint> {
			const { rows } = await db.pool.query<{ newest: string }>(
				`SELECT greatest((SELECT max(id) FROM events),
				        pg_sequence_last_value(pg_get_serial_sequence('events', 'id')::regclass))::text AS newest`
			);
			return BigInt(rows[0]!.newest);
		}

		it('tells a client whose lastEventId is past the newest event to resync, however far', async () => {
			const { client, place } = await signedInTrader();
			for (const lastEventId of ['99999999', String(10n ** 25n)]) {
				const items = await collect(
					client,
					lastEventId,
					(got) => got.length === 2,
					() => place(10).then(() => undefined)
				);
				expect(items.map((item) => item.data.type)).toEqual(['resync', 'order']);
			}
			// One past the newest, with nothing placed: a placed order could make it exist.
			const justPast = String((await newestEventId()) + 1n);
			const [item] = await collect(client, justPast, (got) => got.length === 1);
			expect(item!.data.type).toBe('resync');
			await client.close();
		});

		it('resumes a client at the newest event with nothing missed and no resync', async () => {
			const { client, place } = await signedInTrader();
			const first = await firstUpdate(client, place);
			for (const lastEventId of [first.id, String(await newestEventId())]) {
				const items = await collect(
					client,
					lastEventId,
					(got) => got.length === 1,
					() => place(11).then(() => undefined)
				);
				expect(items.map((item) => item.data.type)).toEqual(['order']);
				expect(items[0]!.data.order?.priceCents).toBe(11);
			}
			await client.close();
		});

		it('tells a client whose missed updates were pruned from the outbox to resync', async () => {
			const { trader, client, place } = await signedInTrader();
			const first = await firstUpdate(client, place);
			for (const price of [11, 12, 13]) await place(price);
			// Pruning deletes the oldest events first: here up to the first update missed.
			await db.pool.query(
				`DELETE FROM events WHERE id <= (
				     SELECT min(id) FROM events WHERE topic = $1 AND id > $2::bigint)`,
				[`user:${trader.id}`, eventIdOf(first.id)]
			);
			const items = await collect(
				client,
				first.id,
				(got) => got.at(-1)?.data.order?.priceCents === 14,
				() => place(14).then(() => undefined)
			);
			// The hub may still be delivering the updates of 12 and 13 live when the client is back
			// (on a busy machine, both): after the resync they are order updates like any other,
			// which a client that re-reads takes as they are. What matters is the resync first.
			expect(items[0]!.data.type).toBe('resync');
			const after = items.slice(1).map((item) => item.data.order?.priceCents);
			expect(after.at(-1)).toBe(14);
			expect([12, 13, 14].filter((price) => after.includes(price))).toEqual(after);
			await client.close();
		});

		it('tells a client whose last item was a resync to resync again', async () => {
			const { client, place } = await signedInTrader();
			const items = await collect(
				client,
				'overflow-1',
				(got) => got.length === 2,
				() => place(10).then(() => undefined)
			);
			expect(items.map((item) => item.data.type)).toEqual(['resync', 'order']);
			await client.close();
		});
	});

	it("sends the trader's positions at once and again after a fill", async () => {
		const trader = await aTrader(db, { cashCents: 100_000n });
		const seller = await aTrader(db, { cashCents: 100_000n });
		const market = await aMarket(db);
		const optionId = market.optionIds[0]!;
		const { token } = await createSession(db.prisma, trader.id, 1);
		const client = signedInSocket(token);
		const order = (side: 'BUY' | 'SELL') =>
			PlaceOrderInput.parse({ marketId: market.id, optionId, side, priceCents: 58, quantity: 4 });
		const updates: { positions: { optionId: string; quantity: number }[] }[] = [];
		const filled = new Promise<void>((resolve) => {
			const subscription = client.trpc.positions.onMyUpdates.subscribe(undefined, {
				onData: async ({ data }) => {
					updates.push(data);
					if (updates.length === 1) {
						await services.engine.place(seller.id, order('SELL'));
						await services.engine.place(trader.id, order('BUY'));
					}
					if (data.positions.some((p) => p.optionId === optionId && p.quantity === 4)) {
						subscription.unsubscribe();
						resolve();
					}
				}
			});
		});
		await filled;
		expect(updates[0]!.positions).toEqual([]);
		expect(updates.at(-1)!.positions).toEqual([
			expect.objectContaining({ optionId, quantity: 4, costBasisCents: 232 })
		]);
		await client.close();
	});
});

describe("keep-alive on the app's WebSocket", () => {
	// Pings far more often than the 30 s default so that the test sees several; the wait for an
	// answer stays generous, so a busy machine never closes a client that does answer.
	const keepAlive = { pingMs: 50, pongWaitMs: 2_000 };
	let pinging: AppSocketServer;

	beforeAll(async () => {
		pinging = await startAppSocketServer(db, { keepAlive });
	});
	afterAll(async () => {
		await pinging.close();
	});

	/**
	 * A raw socket on the endpoint, as a browser opens it: every text message it receives, and
	 * `nextMessage()`, which takes them one by one in order (waiting for the next when none is left).
	 */
	async function rawSocket() {
		const socket = new WebSocket(pinging.origin.replace('http', 'ws') + '/trpc', {
			headers: { Origin: pinging.origin }
		});
		const received: string[] = [];
		let taken = 0;
		let waiting: (() => void) | null = null;
		socket.on('message', (data) => {
			received.push(String(data));
			waiting?.();
		});
		const nextMessage = async () => {
			while (taken === received.length) await new Promise<void>((resolve) => (waiting = resolve));
			return received[taken++]!;
		};
		await once(socket, 'open');
		return { socket, received, nextMessage };
	}

	it('pings a connected client, again after each answer, and keeps it open', async () => {
		const { socket, received, nextMessage } = await rawSocket();
		for (let ping = 0; ping < 3; ping++) {
			expect(await nextMessage()).toBe('PING');
			socket.send('PONG');
		}
		expect(received).toEqual(['PING', 'PING', 'PING']);
		expect(socket.readyState).toBe(WebSocket.OPEN);
		expect(pinging.endpoint.socketCount()).toBe(1);
		socket.close();
		await once(socket, 'close');
	});

	it("is answered by tRPC's own client, whose socket stays open and usable", async () => {
		const trader = await aTrader(db);
		const { token } = await createSession(db.prisma, trader.id, 1);
		const client = appClient(pinging.origin, token);
		await client.opened;
		const socket = client.socket()!;
		let pings = 0;
		const thirdPing = new Promise<void>((resolve) =>
			socket.on('message', (data) => {
				if (String(data) === 'PING' && ++pings === 3) resolve();
			})
		);
		await thirdPing;
		expect((await client.trpc.auth.me.query())?.email).toBe(trader.email);
		expect(client.socket()).toBe(socket);
		expect(client.state()).toBe(WebSocket.OPEN);
		await client.close();
	});

	it('closes a client that stops answering, after one unanswered ping', async () => {
		const { socket, received } = await rawSocket();
		const [code] = (await once(socket, 'close')) as [number];
		expect(received).toEqual(['PING']);
		// Terminated, not closed politely: a peer that does not answer would not read a close frame.
		expect(code).toBe(1006);
		await expect.poll(() => pinging.endpoint.socketCount()).toBe(0);
	});
});
