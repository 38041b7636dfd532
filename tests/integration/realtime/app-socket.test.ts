// The app's own router over a real WebSocket: the signed-in user comes from the session cookie
// at upgrade, and signing out (or an admin revoking the sessions) closes that session's sockets.
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
import { PlaceOrderInput } from '../../../src/lib/shared/orders';

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
