// A client that stops reading must not make the server buffer without end: once its socket's
// send buffer passes the bound, the endpoint drops it (the client reconnects and catches up).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { initTRPC } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { attachWebSocketServer, type WebSocketEndpoint } from '../../../src/lib/server/ws/endpoint';

const t = initTRPC.create();
const CHUNK = 'x'.repeat(64 * 1024);
const MAX_BUFFERED_BYTES = 1024 * 1024;

const floodRouter = t.router({
	/** Sends 64 KiB messages for as long as the subscription lasts: far more than a bound. */
	flood: t.procedure.subscription(async function* ({ signal }) {
		for (let i = 0; !signal?.aborted; i++) {
			yield { i, chunk: CHUNK };
			// Lets the socket's write path run between messages, as real events would.
			await new Promise<void>((resolve) => setImmediate(resolve));
		}
	})
});

let server: Server;
let endpoint: WebSocketEndpoint;
let url: string;
let dropped: Promise<void>;

beforeAll(async () => {
	server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/trpc`;
	let signalDropped!: () => void;
	dropped = new Promise((resolve) => (signalDropped = resolve));
	endpoint = attachWebSocketServer(server, {
		router: floodRouter,
		createContext: async () => ({}),
		allowedOrigins: [],
		// Pings far apart, so that only the send-buffer bound can close a paused client here.
		keepAlive: { pingMs: 600_000, pongWaitMs: 600_000 },
		maxBufferedBytes: MAX_BUFFERED_BYTES,
		onSlowConsumer: () => signalDropped()
	});
});

afterAll(async () => {
	await endpoint.close();
	await new Promise((resolve) => server.close(resolve));
});

function openClient(): Promise<WebSocket> {
	const client = new WebSocket(url);
	return new Promise((resolve, reject) => {
		client.once('open', () => resolve(client));
		client.once('error', reject);
	});
}

describe('a subscriber that stops reading', () => {
	it('is dropped once its send buffer passes the bound', async () => {
		const client = await openClient();
		const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
		client.send(JSON.stringify({ id: 1, method: 'subscription', params: { path: 'flood' } }));
		// Stop reading: the kernel's buffers fill, then the server's own queue grows.
		(client as unknown as { _socket: { pause(): void } })._socket.pause();

		await dropped;
		expect(endpoint.slowConsumersDropped()).toBe(1);
		(client as unknown as { _socket: { resume(): void } })._socket.resume();
		await closed;
		expect(endpoint.socketCount()).toBe(0);
	});

	it('leaves a client that reads alone', async () => {
		const client = await openClient();
		let received = 0;
		const enough = new Promise<void>((resolve) =>
			client.on('message', () => {
				if (++received === 200) resolve();
			})
		);
		client.send(JSON.stringify({ id: 1, method: 'subscription', params: { path: 'flood' } }));
		await enough;
		expect(client.readyState).toBe(WebSocket.OPEN);
		client.close();
	});
});
