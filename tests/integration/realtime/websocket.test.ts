// The WebSocket endpoint on a real http.Server and real sockets: tRPC over /trpc with the
// context from the upgrade, foreign Origins refused, other upgrades left alone, and a session's
// sockets closed on demand.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { initTRPC, tracked } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { z } from 'zod';
import { hashToken } from '../../../src/lib/server/auth/sessions';
import { EventHub, streamTopic } from '../../../src/lib/server/events';
import {
	attachWebSocketServer,
	SESSION_CLOSE_CODE,
	credentialOf,
	type WebSocketEndpoint
} from '../../../src/lib/server/ws/endpoint';
import { createTestDatabase, type TestDatabase } from '../../fixtures/database';

const t = initTRPC.context<{ sessionToken: string | null }>().create();

let db: TestDatabase;
let hub: EventHub;
let server: Server;
let endpoint: WebSocketEndpoint;
let origin: string;

const testRouter = t.router({
	whoami: t.procedure.query(({ ctx }) => ({ sessionToken: ctx.sessionToken })),
	onTopic: t.procedure.input(z.strictObject({ topic: z.string() })).subscription(async function* ({
		input,
		signal
	}) {
		for await (const item of streamTopic(hub, input.topic, { signal })) {
			if (item.type === 'event') yield tracked(item.event.id, item.event.payload);
		}
	})
});

beforeAll(async () => {
	db = await createTestDatabase();
	hub = new EventHub({
		source: db.kind === 'postgres' ? { url: db.url } : { pool: db.pool },
		pollIntervalMs: 20
	});
	await hub.start();
	server = createServer((_req, res) => res.end('http'));
	// Stands for Vite's HMR socket: an upgrade the endpoint must leave to someone else.
	server.on('upgrade', (req, socket) => {
		if (req.url === '/other') socket.end('HTTP/1.1 418 I am a teapot\r\nContent-Length: 0\r\n\r\n');
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	endpoint = attachWebSocketServer(server, {
		router: testRouter,
		createContext: async (req) => ({ sessionToken: credentialOf(req).token ?? null }),
		allowedOrigins: [origin],
		keepAlive: { pingMs: 5_000, pongWaitMs: 2_000 }
	});
});
afterAll(async () => {
	await endpoint.close();
	await new Promise((resolve) => server.close(resolve));
	await hub.stop();
	await db.close();
});

function socketUrl(path = '/trpc') {
	return origin.replace('http', 'ws') + path;
}

/** A tRPC client over a socket that sends these headers (as a browser would send Origin and Cookie). */
function aClient(headers: Record<string, string>) {
	class HeaderedWebSocket extends WebSocket {
		constructor(url: string | URL, protocols?: string | string[]) {
			super(url, protocols, { headers });
		}
	}
	const wsClient = createWSClient({
		url: socketUrl(),
		WebSocket: HeaderedWebSocket as unknown as typeof globalThis.WebSocket
	});
	return {
		wsClient,
		trpc: createTRPCClient<typeof testRouter>({ links: [wsLink({ client: wsClient })] })
	};
}

/** The status of a refused upgrade, or 101 when it was accepted. */
function upgradeStatus(path: string, headers: Record<string, string>): Promise<number> {
	return new Promise((resolve, reject) => {
		const socket = new WebSocket(socketUrl(path), { headers });
		socket.once('open', () => {
			socket.close();
			resolve(101);
		});
		socket.once('unexpected-response', (_req, res) => {
			resolve(res.statusCode ?? 0);
			socket.terminate();
		});
		socket.once('error', reject);
	});
}

function opened(headers: Record<string, string>): Promise<WebSocket> {
	return new Promise((resolve, reject) => {
		const socket = new WebSocket(socketUrl(), { headers });
		socket.once('open', () => resolve(socket));
		socket.once('error', reject);
	});
}

describe('the WebSocket endpoint', () => {
	it('refuses an upgrade from a foreign Origin with 403', async () => {
		expect(await upgradeStatus('/trpc', { Origin: 'https://evil.example' })).toBe(403);
	});

	it('accepts an upgrade from its own Origin', async () => {
		expect(await upgradeStatus('/trpc', { Origin: origin })).toBe(101);
	});

	it('leaves upgrades of other paths to other listeners', async () => {
		expect(await upgradeStatus('/other', { Origin: origin })).toBe(418);
	});

	it('builds the context from the session cookie of the upgrade', async () => {
		const { trpc, wsClient } = aClient({ Origin: origin, Cookie: 'a=1; betwise_session=tok%2Ben' });
		try {
			expect(await trpc.whoami.query()).toEqual({ sessionToken: 'tok+en' });
		} finally {
			await wsClient.close();
		}
	});

	it('streams hub events to a tRPC subscription and frees the listener when it ends', async () => {
		const { trpc, wsClient } = aClient({ Origin: origin });
		const topic = 'trades:ws-test';
		try {
			const received = new Promise<{ id: string; data?: unknown }>((resolve, reject) => {
				const subscription = trpc.onTopic.subscribe(
					{ topic },
					{
						onData(value) {
							subscription.unsubscribe();
							resolve(value);
						},
						onError: reject
					}
				);
			});
			await vi.waitFor(() => expect(hub.listenerCount(topic)).toBe(1), { timeout: 10_000 });
			const { rows } = await db.pool.query<{ id: string }>(
				`INSERT INTO events (topic, kind, payload) VALUES ('${topic}', 'trade', '{"priceCents": 42}') RETURNING id::text`
			);
			expect(await received).toEqual({ id: rows[0]?.id, data: { priceCents: 42 } });
			await vi.waitFor(() => expect(hub.listenerCount(topic)).toBe(0), { timeout: 10_000 });
		} finally {
			await wsClient.close();
		}
	});

	it("closes a session's sockets and only those", async () => {
		const mine = await opened({ Origin: origin, Cookie: 'betwise_session=mine' });
		const theirs = await opened({ Origin: origin, Cookie: 'betwise_session=theirs' });
		const closed = new Promise<number>((resolve) => mine.once('close', resolve));
		expect(endpoint.closeSessionSockets(hashToken('mine'))).toBe(1);
		expect(await closed).toBe(SESSION_CLOSE_CODE);
		expect(theirs.readyState).toBe(WebSocket.OPEN);
		theirs.close();
	});
});
