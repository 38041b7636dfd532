// The engine service's WebSocket /ws: clients subscribe to a market's (or one option's) book,
// price or match channel and get `orderbook:update`, `price:update` and `match:update` fed from
// the outbox event hub. Each event is serialised once for all its subscribers.
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { EventHub, HubEvent } from '$lib/server/events';
import {
	ClientMessage,
	describeIssues,
	ProtocolErrorCode,
	WS_PATH,
	type ServerMessage,
	type SubscriptionChannel
} from '$lib/engine/wire';

export interface UpdateSocketOptions {
	hub: EventHub;
	/** The options of a market in display order; empty when there is no such market. */
	optionsOfMarket(marketId: string): Promise<string[]>;
	/** Whether an upgrade request carries the engine token. */
	authorize(req: IncomingMessage): boolean;
	/** Keep-alive: a ping every `pingMs`; a socket that has not answered the last one is dropped. */
	pingMs?: number;
}

export interface UpdateSocket {
	socketCount(): number;
	close(): Promise<void>;
}

/** A client this far behind is dropped instead of buffered for: it can resubscribe. */
const MAX_BUFFERED_BYTES = 1024 * 1024;
const MAX_MESSAGE_BYTES = 16 * 1024;
const MAX_SUBSCRIPTIONS_PER_SOCKET = 1_000;
const CLOSE_HANDSHAKE_MS = 2_000;

/** The hub topic each channel is fed from. */
const topicOf: Record<SubscriptionChannel, (optionId: string) => string> = {
	orderbook: (optionId) => `book:${optionId}`,
	price: (optionId) => `trades:${optionId}`,
	match: (optionId) => `trades:${optionId}`
};

/** The message a channel sends for a hub event, or null when the event is not for it. */
function messageFor(channel: SubscriptionChannel, event: HubEvent): ServerMessage | null {
	if (!event.optionId || !event.marketId) return null;
	const where = { marketId: event.marketId, optionId: event.optionId };
	if (channel === 'orderbook') {
		const payload = event.payload as { levels?: unknown } | null;
		if (event.kind !== 'book.delta' || !Array.isArray(payload?.levels)) return null;
		return {
			event: 'orderbook:update',
			data: {
				...where,
				seq: event.bookSeq ?? '0',
				levels: payload.levels as Extract<
					ServerMessage,
					{ event: 'orderbook:update' }
				>['data']['levels']
			}
		};
	}
	if (event.kind !== 'trade') return null;
	const trade = event.payload as {
		id: string;
		priceCents: number;
		quantity: number;
		takerSide: 'BUY' | 'SELL';
	};
	if (channel === 'price') {
		return {
			event: 'price:update',
			data: { ...where, priceCents: trade.priceCents, quantity: trade.quantity }
		};
	}
	return {
		event: 'match:update',
		data: {
			...where,
			tradeId: trade.id,
			priceCents: trade.priceCents,
			quantity: trade.quantity,
			takerSide: trade.takerSide,
			// The outbox row's time is the trade's own (one group commit writes both).
			executedAt: event.createdAt.toISOString()
		}
	};
}

/** One hub subscription per (channel, option), shared by every socket that wants it. */
class FanOut {
	readonly #feeds = new Map<string, { sockets: Set<WebSocket>; unsubscribe: () => void }>();

	constructor(private readonly hub: EventHub) {}

	add(socket: WebSocket, channel: SubscriptionChannel, optionId: string): string {
		const key = `${channel}:${optionId}`;
		let feed = this.#feeds.get(key);
		if (!feed) {
			const sockets = new Set<WebSocket>();
			const unsubscribe = this.hub.subscribe(topicOf[channel](optionId), (event) => {
				const message = messageFor(channel, event);
				if (!message) return;
				const text = JSON.stringify(message);
				for (const subscriber of sockets) sendText(subscriber, text);
			});
			feed = { sockets, unsubscribe };
			this.#feeds.set(key, feed);
		}
		feed.sockets.add(socket);
		return key;
	}

	remove(socket: WebSocket, key: string): void {
		const feed = this.#feeds.get(key);
		if (!feed?.sockets.delete(socket) || feed.sockets.size > 0) return;
		feed.unsubscribe();
		this.#feeds.delete(key);
	}
}

function sendText(socket: WebSocket, text: string): void {
	if (socket.readyState !== socket.OPEN) return;
	if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
		socket.close(1013, 'too far behind: reconnect and resubscribe');
		return;
	}
	socket.send(text);
}

function sendMessage(socket: WebSocket, message: ServerMessage): void {
	sendText(socket, JSON.stringify(message));
}

/** Serves WS_PATH upgrades of `server` (token required); other upgrade paths get 404. */
export function attachUpdateSocket(server: Server, options: UpdateSocketOptions): UpdateSocket {
	const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
	const fanOut = new FanOut(options.hub);
	const alive = new WeakSet<WebSocket>();

	const refuse = (socket: Duplex, status: string) => {
		socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
	};

	server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
		const path = (req.url ?? '/').split('?')[0];
		if (path !== WS_PATH) return refuse(socket, '404 Not Found');
		if (!options.authorize(req)) return refuse(socket, '401 Unauthorized');
		wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
	});

	wss.on('connection', (socket: WebSocket) => {
		alive.add(socket);
		socket.on('pong', () => alive.add(socket));
		const keys = new Set<string>();
		socket.on('message', (raw, isBinary) => {
			handleMessage(socket, keys, isBinary ? null : raw.toString()).catch((error: unknown) => {
				console.error('engine-service /ws: a subscription failed', error);
				sendMessage(socket, {
					event: 'error',
					data: { code: ProtocolErrorCode.INTERNAL_ERROR, message: 'The subscription failed' }
				});
			});
		});
		socket.once('close', () => {
			for (const key of keys) fanOut.remove(socket, key);
			keys.clear();
		});
	});

	async function handleMessage(socket: WebSocket, keys: Set<string>, text: string | null) {
		const fail = (code: string, message: string) =>
			sendMessage(socket, { event: 'error', data: { code, message } });
		let json: unknown;
		try {
			json = JSON.parse(text ?? '');
		} catch {
			return fail(ProtocolErrorCode.VALIDATION_FAILED, 'message: send one JSON object as text');
		}
		const parsed = ClientMessage.safeParse(json);
		if (!parsed.success) {
			return fail(ProtocolErrorCode.VALIDATION_FAILED, describeIssues(parsed.error));
		}
		const { type, channel, marketId, optionId } = parsed.data;
		const marketOptions = await options.optionsOfMarket(marketId);
		if (marketOptions.length === 0) return fail('MARKET_NOT_FOUND', `No market ${marketId}`);
		if (optionId !== undefined && !marketOptions.includes(optionId)) {
			return fail('UNKNOWN_OPTION', `Market ${marketId} has no option ${optionId}`);
		}
		const optionIds = optionId === undefined ? marketOptions : [optionId];
		if (socket.readyState !== socket.OPEN) return;
		if (type === 'subscribe') {
			if (keys.size + optionIds.length > MAX_SUBSCRIPTIONS_PER_SOCKET) {
				return fail(
					ProtocolErrorCode.VALIDATION_FAILED,
					`at most ${MAX_SUBSCRIPTIONS_PER_SOCKET} subscriptions per socket`
				);
			}
			for (const id of optionIds) keys.add(fanOut.add(socket, channel, id));
		} else {
			for (const id of optionIds) {
				const key = `${channel}:${id}`;
				if (keys.delete(key)) fanOut.remove(socket, key);
			}
		}
		const data = { channel, marketId, optionIds };
		sendMessage(
			socket,
			type === 'subscribe' ? { event: 'subscribed', data } : { event: 'unsubscribed', data }
		);
	}

	const pinger = setInterval(() => {
		for (const socket of wss.clients) {
			if (!alive.has(socket)) {
				socket.terminate();
				continue;
			}
			alive.delete(socket);
			socket.ping();
		}
	}, options.pingMs ?? 30_000);
	pinger.unref();

	return {
		socketCount: () => wss.clients.size,
		close() {
			clearInterval(pinger);
			for (const socket of wss.clients) socket.close(1001, 'engine service shutting down');
			// A peer that does not answer the closing handshake is cut off.
			const cutOff = setTimeout(() => {
				for (const socket of wss.clients) socket.terminate();
			}, CLOSE_HANDSHAKE_MS);
			return new Promise((resolve) =>
				wss.close(() => {
					clearTimeout(cutOff);
					resolve();
				})
			);
		}
	};
}
