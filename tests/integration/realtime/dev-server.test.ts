// The dev server's WebSocket wiring (src/lib/server/ws/vite-plugin.js) on a real Vite dev server
// with only that plugin: an upgrade of /trpc is served by the app's endpoint, loaded through Vite
// as in `npm run dev` (on this test's database and services), while Vite's HMR socket, on the
// same http server, is still answered by Vite.
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createSession } from '../../../src/lib/server/auth/sessions';
import { provideServices } from '../../../src/lib/server/services';
import { endpoints } from '../../../src/lib/server/ws/registry';
import { trpcWebSocketDevPlugin } from '../../../src/lib/server/ws/vite-plugin.js';
import { appClient } from '../../fixtures/app-socket';
import { createTestDatabase, type TestDatabase } from '../../fixtures/database';
import { aTrader, testServices, type TestServices } from '../../fixtures/services';

const root = fileURLToPath(new URL('../../..', import.meta.url));

let db: TestDatabase;
let services: TestServices;
let vite: ViteDevServer;
let origin: string;

beforeAll(async () => {
	db = await createTestDatabase();
	services = testServices(db);
	await services.events.start();
	services.sessions.listenTo(services.events);
	// The app modules Vite loads ask for the process's services: they get this test's.
	provideServices(services);
	vite = await createServer({
		configFile: false,
		root,
		logLevel: 'silent',
		appType: 'custom',
		plugins: [trpcWebSocketDevPlugin()],
		resolve: { alias: { $lib: `${root}src/lib` } },
		optimizeDeps: { noDiscovery: true, include: [] },
		server: { host: '127.0.0.1', port: 0, watch: null }
	});
	await vite.listen();
	origin = `http://127.0.0.1:${(vite.httpServer!.address() as AddressInfo).port}`;
});
afterAll(async () => {
	await vite?.close();
	await services?.events.stop();
	await db?.close();
});

/** The app endpoint the plugin made (it registers itself, as in the app). */
function appEndpoint() {
	const all = [...endpoints()];
	expect(all).toHaveLength(1);
	return all[0]!;
}

/**
 * A WebSocket's JSON messages in order: `next()` takes the next, waiting for it if need be, and
 * fails once the socket has closed with none left.
 */
function messagesOf(socket: WebSocket) {
	const received: string[] = [];
	let closedCode: number | null = null;
	let waiting: (() => void) | null = null;
	socket.on('message', (data) => {
		received.push(String(data));
		waiting?.();
	});
	socket.on('close', (code) => {
		closedCode = code;
		waiting?.();
	});
	return {
		async next(): Promise<unknown> {
			while (received.length === 0) {
				if (closedCode !== null) throw new Error(`closed (${closedCode}) before the next message`);
				await new Promise<void>((resolve) => (waiting = resolve));
			}
			return JSON.parse(received.shift()!);
		}
	};
}

/**
 * Opens Vite's HMR socket as its browser client does: what Vite greets it with, what it gets when
 * Vite sends its clients an event, and how it closes when the client closes it.
 */
async function hmrSession() {
	const url = `${origin.replace('http', 'ws')}/?token=${vite.config.webSocketToken}`;
	const socket = new WebSocket(url, 'vite-hmr', { headers: { Origin: origin } });
	const messages = messagesOf(socket);
	const greeting = await messages.next();
	vite.ws.send('betwise:test', { reached: true });
	const event = await messages.next();
	const closed = once(socket, 'close');
	socket.close(1000);
	const [code] = (await closed) as [number];
	return { greeting, event, code };
}

const HMR_ANSWERED = {
	greeting: { type: 'connected' },
	event: { type: 'custom', event: 'betwise:test', data: { reached: true } },
	code: 1000
};

describe('the dev server', () => {
	it("serves /trpc upgrades with the app's endpoint, the session cookie read at upgrade", async () => {
		const trader = await aTrader(db);
		const { token } = await createSession(db.prisma, trader.id, 1);
		const client = appClient(origin, token);
		try {
			expect((await client.trpc.auth.me.query())?.email).toBe(trader.email);
			expect(appEndpoint().socketCount()).toBe(1);
		} finally {
			await client.close();
		}
		await expect.poll(() => appEndpoint().socketCount()).toBe(0);
	});

	it('refuses a /trpc upgrade from a foreign Origin, as the app does', async () => {
		const socket = new WebSocket(`${origin.replace('http', 'ws')}/trpc`, {
			headers: { Origin: 'https://evil.example' }
		});
		const [, response] = (await once(socket, 'unexpected-response')) as [
			unknown,
			{ statusCode: number }
		];
		expect(response.statusCode).toBe(403);
		const never = once(socket, 'error');
		socket.terminate();
		expect(String(await never)).toMatch(/closed before the connection was established/);
	});

	it("leaves Vite's HMR socket to Vite, also while an app socket is open", async () => {
		expect(await hmrSession()).toEqual(HMR_ANSWERED);
		const client = appClient(origin);
		try {
			expect(await client.trpc.auth.me.query()).toBeNull();
			expect(await hmrSession()).toEqual(HMR_ANSWERED);
			// The app's endpoint holds its own socket only, never Vite's.
			expect(appEndpoint().socketCount()).toBe(1);
		} finally {
			await client.close();
		}
	});
});

describe('closing the dev server (as a restart does)', () => {
	it("closes the app's endpoint with it: its sockets, and its place among the process's endpoints", async () => {
		const client = appClient(origin);
		expect(await client.trpc.auth.me.query()).toBeNull();
		expect(endpoints().size).toBe(1);
		await vite.close();
		expect(await client.closed).not.toBe(0);
		await client.close();
		await expect.poll(() => endpoints().size).toBe(0);
	});
});
