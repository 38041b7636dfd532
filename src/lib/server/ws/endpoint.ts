// The WebSocket side of the API: tRPC over `ws` on /trpc, for the dev server and production
// alike. Upgrades from a foreign Origin are refused before a socket exists; keep-alive pings
// find dead peers; sockets are kept per session so that logout and revocation can close them,
// and each is closed when the session it signed in with expires.
// tRPC's message handler runs with the frame it handles as its async context (frame.ts): that is
// how the native fan-out path (fanout.ts) learns the socket and id of a subscription call.
import type { IncomingMessage, Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { transformTRPCResponse, type AnyRouter, type inferRouterContext } from '@trpc/server';
import { getWSConnectionHandler } from '@trpc/server/adapters/ws';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { SESSION_CLOSE_CODE } from '$lib/shared/socket';
import { apiCredentialOf, type Credential } from '../auth/credentials';
import { hashToken } from '../auth/sessions';
import { sharingEncoder } from './encoding';
import { withIncomingFrame, type FrameCodec } from './frame';
import { isTrpcWebSocketPath } from './path';

export interface WebSocketEndpointOptions<TRouter extends AnyRouter> {
	router: TRouter;
	/** The tRPC context of one connection, from its upgrade request (cookie, Origin, address). */
	createContext: (req: IncomingMessage) => Promise<inferRouterContext<TRouter>>;
	/** Origins that may open a socket, per request (the site's own depends on its Host). */
	allowedOrigins: readonly string[] | ((req: IncomingMessage) => readonly string[]);
	keepAlive?: { pingMs: number; pongWaitMs: number };
	maxPayloadBytes?: number;
	/**
	 * Most bytes a socket may have waiting to be sent: a client that stops reading is dropped
	 * beyond it (and catches up by reconnecting) instead of growing the server's memory.
	 */
	maxBufferedBytes?: number;
	/** Told when a socket is dropped for not reading. */
	onSlowConsumer?: (req: IncomingMessage) => void;
	/**
	 * When the session a connection signed in with expires, from its context (null: none). The
	 * socket is closed then, as at logout: the context is made once per connection, so a login
	 * or API key that ran out would otherwise go on streaming its user's orders.
	 */
	sessionExpiresAt?: (context: inferRouterContext<TRouter>) => Date | null;
}

export interface WebSocketEndpoint {
	/** Serves the upgrade when it is for /trpc and returns true; leaves any other alone. */
	handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
	/** Closes the sockets opened with this session (its id is the cookie token's hash). */
	closeSessionSockets(sessionId: string): number;
	socketCount(): number;
	/** Sockets dropped so far because their send buffer passed maxBufferedBytes. */
	slowConsumersDropped(): number;
	close(): Promise<void>;
}

/** The credential an upgrade came with: an API key in `Authorization`, else the session cookie. */
export function credentialOf(req: IncomingMessage): Credential {
	return apiCredentialOf(req.headers);
}

export { SESSION_CLOSE_CODE };

export const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** The longest delay setTimeout takes (about 24.8 days); a later expiry is waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Closes `socket` as logout does once `expiresAt` has passed, unless it closes first. */
function closeAtExpiry(socket: WebSocket, expiresAt: Date): void {
	const wait = expiresAt.getTime() - Date.now();
	if (wait <= 0) {
		socket.close(SESSION_CLOSE_CODE, 'session expired');
		return;
	}
	const timer = setTimeout(() => closeAtExpiry(socket, expiresAt), Math.min(wait, MAX_TIMER_MS));
	timer.unref();
	socket.once('close', () => clearTimeout(timer));
}

/**
 * Wraps `socket.send`: drops the connection once more than `maxBufferedBytes` wait unsent (tRPC's
 * adapter sends without looking at backpressure, so the bound has to sit under it), and corks
 * the socket for the rest of the event-loop turn, so that the messages one turn sends it (the
 * events of one commit) leave in one write instead of one system call each.
 */
function wrapSend(socket: WebSocket, maxBufferedBytes: number, onDrop: () => void): void {
	const send = socket.send.bind(socket) as (...args: unknown[]) => void;
	const raw = (socket as unknown as { _socket?: Socket })._socket;
	let corked = false;
	socket.send = ((...args: unknown[]) => {
		if (socket.bufferedAmount > maxBufferedBytes) {
			if (socket.readyState === socket.OPEN) {
				onDrop();
				socket.terminate();
			}
			return;
		}
		if (raw && !corked) {
			corked = true;
			raw.cork();
			setImmediate(() => {
				corked = false;
				raw.uncork();
			});
		}
		send(...args);
	}) as WebSocket['send'];
}

export function createWebSocketEndpoint<TRouter extends AnyRouter>(
	options: WebSocketEndpointOptions<TRouter>
): WebSocketEndpoint {
	const wss = new WebSocketServer({
		noServer: true,
		maxPayload: options.maxPayloadBytes ?? 1024 * 1024
	});
	const socketsBySession = new Map<string, Set<WebSocket>>();
	const keepAlive = options.keepAlive ?? { pingMs: 30_000, pongWaitMs: 5_000 };
	const maxBufferedBytes = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
	let slowConsumersDropped = 0;

	const serveTrpc = getWSConnectionHandler({
		wss,
		router: options.router,
		async createContext({ req, res }) {
			const context = await options.createContext(req);
			const expiresAt = options.sessionExpiresAt?.(context);
			if (expiresAt) closeAtExpiry(res, expiresAt);
			return context;
		},
		experimental_encoder: sharingEncoder,
		keepAlive: { enabled: true, ...keepAlive }
	});
	const config = options.router._def._config;
	const codec: FrameCodec = {
		encodeResponse: (message) => sharingEncoder.encode(transformTRPCResponse(config, message)),
		decode: (text) => sharingEncoder.decode(text)
	};

	wss.on('connection', (socket, req) => {
		// Before tRPC's handler, so the bound is in place before its first send.
		wrapSend(socket, maxBufferedBytes, () => {
			slowConsumersDropped++;
			options.onSlowConsumer?.(req);
		});
		const before = new Set(socket.listeners('message'));
		serveTrpc(socket, req);
		// tRPC's message listeners (its handler, its keep-alive), each run inside the frame.
		for (const listener of socket.listeners('message')) {
			if (before.has(listener)) continue;
			const handle = listener as (data: RawData, isBinary: boolean) => void;
			socket.off('message', handle);
			socket.on('message', (data, isBinary) =>
				withIncomingFrame({ socket, data, isBinary, codec }, () =>
					handle.call(socket, data, isBinary)
				)
			);
		}
	});

	wss.on('connection', (socket, req) => {
		const { token } = credentialOf(req);
		if (!token) return;
		const sessionId = hashToken(token);
		let sockets = socketsBySession.get(sessionId);
		if (!sockets) {
			sockets = new Set();
			socketsBySession.set(sessionId, sockets);
		}
		sockets.add(socket);
		socket.once('close', () => {
			const current = socketsBySession.get(sessionId);
			current?.delete(socket);
			if (current?.size === 0) socketsBySession.delete(sessionId);
		});
	});

	const originAllowed = (req: IncomingMessage) => {
		const origin = req.headers.origin;
		// Browsers always send Origin on a WebSocket upgrade; other clients cannot ride a cookie.
		if (origin === undefined) return true;
		const allowed =
			typeof options.allowedOrigins === 'function'
				? options.allowedOrigins(req)
				: options.allowedOrigins;
		return allowed.includes(origin);
	};

	return {
		handleUpgrade(req, socket, head) {
			if (!isTrpcWebSocketPath(req.url)) return false;
			if (!originAllowed(req)) {
				socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
				socket.destroy();
				return true;
			}
			wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
			return true;
		},
		closeSessionSockets(sessionId) {
			const sockets = socketsBySession.get(sessionId);
			if (!sockets) return 0;
			socketsBySession.delete(sessionId);
			for (const socket of sockets) socket.close(SESSION_CLOSE_CODE, 'session ended');
			return sockets.size;
		},
		socketCount: () => wss.clients.size,
		slowConsumersDropped: () => slowConsumersDropped,
		close() {
			for (const socket of wss.clients) socket.terminate();
			socketsBySession.clear();
			return new Promise((resolve, reject) =>
				wss.close((error) => (error ? reject(error) : resolve()))
			);
		}
	};
}

/** Serves /trpc upgrades of `httpServer`; `close()` detaches it again. */
export function attachWebSocketServer<TRouter extends AnyRouter>(
	httpServer: Server,
	options: WebSocketEndpointOptions<TRouter>
): WebSocketEndpoint {
	const endpoint = createWebSocketEndpoint(options);
	const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
		endpoint.handleUpgrade(req, socket, head);
	};
	httpServer.on('upgrade', onUpgrade);
	return {
		...endpoint,
		close() {
			httpServer.off('upgrade', onUpgrade);
			return endpoint.close();
		}
	};
}
