// The app's own router over a real WebSocket: the signed-in user comes from the session cookie
// at upgrade, and signing out (or an admin revoking the sessions) closes that session's sockets.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createSession, findActiveSession, hashToken } from '../../../src/lib/server/auth/sessions';
import type { Services } from '../../../src/lib/server/services';
import { createContext } from '../../../src/lib/server/trpc/context';
import { appRouter, createCaller, type AppRouter } from '../../../src/lib/server/trpc/root';
import {
	attachWebSocketServer,
	SESSION_CLOSE_CODE,
	sessionTokenOf,
	type WebSocketEndpoint
} from '../../../src/lib/server/ws/endpoint';
import { endpoints } from '../../../src/lib/server/ws/registry';
import { createTestDatabase, type TestDatabase } from '../../fixtures/database';
import { aMarket } from '../../fixtures/markets';
import { aTrader, anAdmin, callerFor, testServices } from '../../fixtures/services';
import { PlaceOrderInput } from '../../../src/lib/shared/orders';

let db: TestDatabase;
let services: Services;
let server: Server;
let endpoint: WebSocketEndpoint;
let origin: string;

beforeAll(async () => {
	db = await createTestDatabase();
	services = testServices(db);
	await services.events.start();
	server = createServer((_req, res) => res.end());
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	endpoint = attachWebSocketServer(server, {
		router: appRouter,
		allowedOrigins: [origin],
		createContext: async (req) =>
			createContext({
				services,
				session: await findActiveSession(db.prisma, sessionTokenOf(req)),
				origin: req.headers.origin ?? null,
				allowedOrigins: [origin],
				clientAddress: '127.0.0.1'
			})
	});
	endpoints().add(endpoint);
});
afterAll(async () => {
	endpoints().delete(endpoint);
	await endpoint.close();
	await new Promise((resolve) => server.close(resolve));
	await services.events.stop();
	await db.close();
});

/** A socket signed in with `token` (its cookie at upgrade), and a tRPC client over it. */
function signedInSocket(token: string) {
	const headers = { Origin: origin, Cookie: `betwise_session=${encodeURIComponent(token)}` };
	const sockets: WebSocket[] = [];
	let onOpen: () => void;
	let onClose: (code: number) => void;
	const opened = new Promise<void>((resolve) => (onOpen = resolve));
	const closed = new Promise<number>((resolve) => (onClose = resolve));
	class SignedInWebSocket extends WebSocket {
		constructor(url: string | URL, protocols?: string | string[]) {
			super(url, protocols, { headers });
			sockets.push(this);
			this.once('open', () => onOpen());
			this.once('close', (code) => onClose(code));
		}
	}
	const wsClient = createWSClient({
		url: origin.replace('http', 'ws') + '/trpc',
		WebSocket: SignedInWebSocket as unknown as typeof globalThis.WebSocket,
		lazy: { enabled: false, closeMs: 0 },
		retryDelayMs: () => 60_000
	});
	const trpc = createTRPCClient<AppRouter>({
		links: [wsLink({ client: wsClient, transformer: superjson })]
	});
	return {
		opened,
		closed,
		trpc,
		state: () => sockets.at(-1)?.readyState,
		close: () => wsClient.close()
	};
}

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
});
