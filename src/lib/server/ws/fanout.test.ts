// The native fan-out path on real sockets, fed by a hub the test drives by hand: what a client
// receives is byte for byte what tRPC's own adapter sends, one frame is built per event for each
// subscription id, a replay after reconnect holds live events back and sends none twice, stop and
// close free the subscriber, and a subscriber that stops reading is dropped.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { initTRPC } from '@trpc/server';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import superjson, { type SuperJSONResult } from 'superjson';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket, { WebSocketServer } from 'ws';
import { z } from 'zod';
import type { EventHub, HubEvent } from '../events';
import { sharingEncoder, sharingTransformer } from './encoding';
import { attachWebSocketServer, type WebSocketEndpoint } from './endpoint';
import { fanOutTracked, fanoutStats } from './fanout';

/** Stands for the event hub: the test delivers each event itself. */
class ManualHub {
	readonly #listeners = new Map<string, Set<(event: HubEvent) => void>>();
	#nextId = 100;

	subscribe(topic: string, listener: (event: HubEvent) => void): () => void {
		let set = this.#listeners.get(topic);
		if (!set) this.#listeners.set(topic, (set = new Set()));
		const entry = (event: HubEvent) => listener(event);
		set.add(entry);
		return () => {
			set.delete(entry);
			if (set.size === 0) this.#listeners.delete(topic);
		};
	}

	listenerCount(topic: string): number {
		return this.#listeners.get(topic)?.size ?? 0;
	}

	event(topic: string, payload: object, kind = 'trade'): HubEvent {
		const id = String(this.#nextId++);
		return {
			id,
			topic,
			kind,
			optionId: null,
			marketId: null,
			userId: null,
			bookSeq: null,
			payload: Object.freeze(payload),
			createdAt: new Date(Date.UTC(2026, 10, 29)),
			xid: id,
			cursor: id
		};
	}

	deliver(event: HubEvent): void {
		for (const listener of [...(this.#listeners.get(event.topic) ?? [])]) listener(event);
	}
}

const hub = new ManualHub();
const asHub = hub as unknown as EventHub;
/** What a reconnecting subscriber's replay reads; each test sets it. */
let readMissed: (afterId: string) => Promise<HubEvent[]> = async () => [];
/** Live events a resuming subscriber may be held while its replay is read. */
const MAX_HELD = 3;
/** How many payloads the router has made of events. */
let payloadsMade = 0;

const t = initTRPC.create({ transformer: sharingTransformer });
const router = t.router({
	events: t.procedure
		.input(z.strictObject({ topic: z.string(), lastEventId: z.string().nullish() }))
		.subscription(({ input, ...call }) =>
			fanOutTracked(call, {
				hub: asHub,
				kind: 'test',
				topics: [input.topic],
				// A Date makes superjson add meta: the native frames must carry it just the same.
				payloadOf: (event) => {
					payloadsMade++;
					return event.kind === 'dated'
						? { ...(event.payload as object), at: event.createdAt }
						: (event.payload as object);
				},
				replay: input.lastEventId
					? async function* (afterId: string = input.lastEventId!) {
							yield await readMissed(afterId);
						}
					: undefined,
				maxHeld: MAX_HELD
			})
		)
});

const MAX_BUFFERED_BYTES = 256 * 1024;
let server: Server;
let endpoint: WebSocketEndpoint;
let nativeUrl: string;
/** tRPC's own adapter on the same router: the reference for what goes on the wire. */
let plain: WebSocketServer;
let plainUrl: string;
let slowConsumers = 0;
let onSlowConsumer: () => void = () => undefined;

beforeAll(async () => {
	server = createServer();
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	nativeUrl = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/trpc`;
	endpoint = attachWebSocketServer(server, {
		router,
		createContext: async () => ({}),
		allowedOrigins: [],
		keepAlive: { pingMs: 600_000, pongWaitMs: 600_000 },
		maxBufferedBytes: MAX_BUFFERED_BYTES,
		onSlowConsumer: () => {
			slowConsumers++;
			onSlowConsumer();
		}
	});
	plain = new WebSocketServer({ port: 0, host: '127.0.0.1' });
	await new Promise<void>((resolve) => plain.once('listening', resolve));
	plainUrl = `ws://127.0.0.1:${(plain.address() as AddressInfo).port}`;
	applyWSSHandler({ wss: plain, router, experimental_encoder: sharingEncoder });
});

afterAll(async () => {
	await endpoint.close();
	await new Promise((resolve) => server.close(resolve));
	for (const client of plain.clients) client.terminate();
	await new Promise((resolve) => plain.close(resolve));
});

afterEach(() => {
	vi.restoreAllMocks();
	readMissed = async () => [];
});

/** A raw socket that keeps every text frame it receives and can wait for more. */
class RawClient {
	readonly frames: string[] = [];
	#waiters: (() => void)[] = [];

	private constructor(readonly socket: WebSocket) {
		socket.on('message', (data) => {
			this.frames.push(String(data));
			for (const wake of this.#waiters.splice(0)) wake();
		});
	}

	static async open(url: string): Promise<RawClient> {
		const socket = new WebSocket(url);
		await new Promise<void>((resolve, reject) => {
			socket.once('open', () => resolve());
			socket.once('error', reject);
		});
		return new RawClient(socket);
	}

	send(message: unknown): void {
		this.socket.send(JSON.stringify(message));
	}

	subscribe(id: number | string, input: object, jsonrpc?: '2.0'): void {
		this.send({
			id,
			jsonrpc,
			method: 'subscription',
			params: { path: 'events', input: { json: input } }
		});
	}

	/** The parsed frames about subscription `id`. */
	about(id: number | string): {
		result?: { type: string; id?: string; data?: { json: { data: Record<string, unknown> } } };
	}[] {
		return this.frames.map((text) => JSON.parse(text)).filter((message) => message.id === id);
	}

	/** Resolves once `done()` holds, re-checked at every frame. */
	async until(done: () => boolean): Promise<void> {
		while (!done()) await new Promise<void>((resolve) => this.#waiters.push(resolve));
	}

	untilFrames(id: number | string, type: string, count = 1): Promise<void> {
		return this.until(
			() => this.about(id).filter((message) => message.result?.type === type).length >= count
		);
	}

	close(): Promise<void> {
		if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve();
		return new Promise((resolve) => {
			this.socket.once('close', () => resolve());
			this.socket.close();
		});
	}
}

describe('the native fan-out path', () => {
	it("sends byte for byte the frames tRPC's own adapter sends, batched or not, with or without jsonrpc", async () => {
		const topic = 'trades:same-bytes';
		const native = await RawClient.open(nativeUrl);
		const reference = await RawClient.open(plainUrl);
		try {
			for (const client of [native, reference]) {
				// One batched frame, as tRPC's client sends what it queues in one tick, and one alone.
				client.send([
					{
						id: 1,
						jsonrpc: '2.0',
						method: 'subscription',
						params: { path: 'events', input: { json: { topic } } }
					},
					{
						id: 'b',
						method: 'subscription',
						params: { path: 'events', input: { json: { topic } } }
					}
				]);
				client.subscribe(7, { topic });
			}
			for (const client of [native, reference]) {
				for (const id of [1, 'b', 7]) await client.untilFrames(id, 'started');
			}
			expect(fanoutStats(asHub)).toEqual({ channels: 1, subscribers: 3 });

			hub.deliver(hub.event(topic, { id: 't1', priceCents: 42, quantity: 3, takerSide: 'BUY' }));
			hub.deliver(
				hub.event(topic, { note: 'line\nbreak "quoted" \u00e9', nested: [1, null, { a: true }] })
			);
			hub.deliver(hub.event(topic, { priceCents: 43 }, 'dated'));
			for (const client of [native, reference]) {
				for (const id of [1, 'b', 7]) await client.untilFrames(id, 'data', 3);
				for (const id of [1, 'b', 7]) client.send({ id, method: 'subscription.stop' });
				for (const id of [1, 'b', 7]) await client.untilFrames(id, 'stopped');
			}

			for (const id of [1, 'b', 7]) {
				const frames = (client: RawClient) =>
					client.frames.filter((text) => JSON.parse(text).id === id);
				expect(frames(native)).toEqual(frames(reference));
				expect(frames(native)).toHaveLength(5);
			}
			expect(native.frames).toContain(
				'{"id":1,"jsonrpc":"2.0","result":{"type":"data","data":{"json":{"id":"100","data":{"id":"t1","priceCents":42,"quantity":3,"takerSide":"BUY"}}},"id":"100"}}'
			);
			expect(fanoutStats(asHub)).toEqual({ channels: 0, subscribers: 0 });
		} finally {
			await native.close();
			await reference.close();
		}
	});

	it('builds one frame per event for each subscription id, however many sockets share it', async () => {
		const topic = 'trades:grouped';
		const clients = await Promise.all([1, 2, 3, 4].map(() => RawClient.open(nativeUrl)));
		try {
			// Three sockets call it subscription 1, one calls it 2.
			clients.forEach((client, i) => client.subscribe(i < 3 ? 1 : 2, { topic }));
			await Promise.all(clients.map((client, i) => client.untilFrames(i < 3 ? 1 : 2, 'started')));
			const encode = vi.spyOn(sharingEncoder, 'encode');
			hub.deliver(hub.event(topic, { priceCents: 50 }));
			expect(encode).toHaveBeenCalledTimes(2);
			await Promise.all(clients.map((client, i) => client.untilFrames(i < 3 ? 1 : 2, 'data')));
			const texts = clients.map((client) => client.frames.at(-1));
			expect(new Set(texts.slice(0, 3)).size).toBe(1);
			expect(JSON.parse(texts[3]!)).toMatchObject({ id: 2, result: { type: 'data' } });
		} finally {
			await Promise.all(clients.map((client) => client.close()));
		}
	});

	it("makes and serialises an event's payload once, Date and all, for native and ordinary subscribers", async () => {
		const topic = 'trades:one-payload';
		const native = await Promise.all([1, 2, 3].map(() => RawClient.open(nativeUrl)));
		const ordinary = await Promise.all([1, 2].map(() => RawClient.open(plainUrl)));
		const clients = [...native, ...ordinary];
		// Two native groups (subscription ids 1 and 2) and two sockets of tRPC's own adapter.
		const idOf = (i: number) => (i === 2 ? 2 : 1);
		try {
			clients.forEach((client, i) => client.subscribe(idOf(i), { topic }));
			await Promise.all(clients.map((client, i) => client.untilFrames(idOf(i), 'started')));
			await vi.waitFor(() => expect(hub.listenerCount(topic)).toBe(3));
			payloadsMade = 0;
			const dated = hub.event(topic, { priceCents: 44 }, 'dated');
			const toText = vi.spyOn(Date.prototype, 'toISOString');
			hub.deliver(dated);
			await Promise.all(clients.map((client, i) => client.untilFrames(idOf(i), 'data')));
			expect(payloadsMade).toBe(1);
			expect(toText).toHaveBeenCalledTimes(1);
			for (const [i, client] of clients.entries()) {
				const [message] = client.about(idOf(i)).filter((m) => m.result?.type === 'data');
				expect(superjson.deserialize(message!.result!.data as SuperJSONResult)).toEqual({
					id: dated.id,
					data: { priceCents: 44, at: dated.createdAt }
				});
			}
		} finally {
			await Promise.all(clients.map((client) => client.close()));
		}
	});

	it('keeps two subscriptions of one socket apart, each under its own id', async () => {
		const client = await RawClient.open(nativeUrl);
		try {
			client.subscribe(1, { topic: 'trades:left' });
			client.subscribe(2, { topic: 'trades:right' });
			client.subscribe(3, { topic: 'trades:left' });
			for (const id of [1, 2, 3]) await client.untilFrames(id, 'started');
			hub.deliver(hub.event('trades:left', { side: 'left' }));
			hub.deliver(hub.event('trades:right', { side: 'right' }));
			await client.untilFrames(2, 'data');
			for (const id of [1, 3]) await client.untilFrames(id, 'data');
			const sides = (id: number) =>
				client
					.about(id)
					.filter((message) => message.result?.type === 'data')
					.map((message) => message.result?.data?.json.data.side);
			expect([sides(1), sides(2), sides(3)]).toEqual([['left'], ['right'], ['left']]);
		} finally {
			await client.close();
		}
	});

	it('frees the subscriber and its hub listener on stop, and on socket close', async () => {
		const topic = 'trades:freed';
		const client = await RawClient.open(nativeUrl);
		client.subscribe(1, { topic });
		client.subscribe(2, { topic });
		await client.untilFrames(1, 'started');
		await client.untilFrames(2, 'started');
		expect(fanoutStats(asHub)).toEqual({ channels: 1, subscribers: 2 });
		expect(hub.listenerCount(topic)).toBe(1);

		client.send({ id: 1, method: 'subscription.stop' });
		await client.untilFrames(1, 'stopped');
		expect(fanoutStats(asHub)).toEqual({ channels: 1, subscribers: 1 });

		await client.close();
		await vi.waitFor(() => expect(fanoutStats(asHub)).toEqual({ channels: 0, subscribers: 0 }));
		expect(hub.listenerCount(topic)).toBe(0);
	});

	it('replays what a reconnecting subscriber missed, holds live events meanwhile, and sends none twice', async () => {
		const topic = 'trades:replayed';
		const event = (n: number) => hub.event(topic, { n });
		const seen = event(1);
		// Missed while away; `during` commits while the replay is read; the hub delivers `held1`
		// and `during` while the read is pending, and `late` only after the replay was sent.
		const [missed, held1, during, late] = [event(2), event(3), event(4), event(5)];
		const read = blockedReplay(seen.id, [missed, held1, during, late]);
		const client = await RawClient.open(nativeUrl);
		const dataIds = () => dataIdsOf(client);
		try {
			client.subscribe(1, { topic, lastEventId: seen.id });
			expect(await read.started).toBe(seen.id);
			hub.deliver(held1);
			hub.deliver(during);
			read.release();
			await client.until(() => dataIds().length >= 4);
			hub.deliver(late);
			const after = event(6);
			hub.deliver(after);
			await client.until(() => dataIds().includes(after.id));
			expect(dataIds()).toEqual([missed.id, held1.id, during.id, late.id, after.id]);
		} finally {
			await client.close();
		}
	});

	it('keeps only the ids of live events past what it may hold, and sends each once when the replay has them', async () => {
		const topic = 'trades:held-beyond';
		const event = (n: number) => hub.event(topic, { n });
		const seen = event(1);
		// Committed before the subscriber joined but delivered by the hub while its replay is read:
		// more than it may hold, and all of them in the replay.
		const burst = Array.from({ length: MAX_HELD + 2 }, (_, i) => event(2 + i));
		const read = blockedReplay(seen.id, burst);
		const client = await RawClient.open(nativeUrl);
		const dataIds = () => dataIdsOf(client);
		try {
			client.subscribe(1, { topic, lastEventId: seen.id });
			await read.started;
			for (const missed of burst) hub.deliver(missed);
			read.release();
			await client.until(() => dataIds().length >= burst.length);
			const after = event(100);
			hub.deliver(after);
			await client.until(() => dataIds().includes(after.id));
			expect(dataIds()).toEqual([...burst.map((missed) => missed.id), after.id]);
		} finally {
			await client.close();
		}
	});

	/**
	 * A subscriber resumes; the replay's read sends `missedCount` events, and one more live event
	 * than it may hold comes while that read is pending, so it reads the rest from the outbox
	 * again, `whileReadAgain` running as that read starts. The ids it was sent, up to a live event
	 * after all that, and the ids it should have been sent.
	 */
	async function resumedPastTheHold(
		topic: string,
		missedCount: number,
		whileReadAgain: (missed: HubEvent[]) => void = () => undefined
	) {
		const event = (n: number) => hub.event(topic, { n });
		const seen = event(1);
		const missed = Array.from({ length: missedCount }, (_, i) => event(2 + i));
		const live = Array.from({ length: MAX_HELD + 1 }, (_, i) => event(2 + missedCount + i));
		const outbox = [...missed, ...live];
		const read = blockedReplay(seen.id, missed, (afterId) => {
			whileReadAgain(missed);
			return outbox.filter((each) => BigInt(each.id) > BigInt(afterId));
		});
		const client = await RawClient.open(nativeUrl);
		try {
			client.subscribe(1, { topic, lastEventId: seen.id });
			await read.started;
			for (const each of live) hub.deliver(each);
			read.release();
			const failed = () => client.about(1).some((message) => 'error' in message);
			await client.until(() => dataIdsOf(client).length >= outbox.length || failed());
			expect(failed()).toBe(false);
			const after = event(100);
			hub.deliver(after);
			await client.until(() => dataIdsOf(client).includes(after.id));
			return { sent: dataIdsOf(client), expected: [...outbox, after].map((each) => each.id) };
		} finally {
			await client.close();
		}
	}

	it('reads the live events it could not hold from the outbox again, after the held ones', async () => {
		const { sent, expected } = await resumedPastTheHold('trades:caught-up', 1);
		expect(sent).toEqual(expected);
	});

	it('goes on, not ends with an error, when the hub delivers an event after the replay sent it', async () => {
		// The hub is slower than the replay: it delivers one the replay sent already.
		const { sent, expected } = await resumedPastTheHold('trades:replayed-then-live', 2, (missed) =>
			hub.deliver(missed.at(-1)!)
		);
		expect(sent).toEqual(expected);
	});

	it("ends a resuming subscriber's call with an error, not a gap, when it could not hold a live event the replay lacks", async () => {
		const topic = 'trades:held-too-many';
		const event = (n: number) => hub.event(topic, { n });
		const seen = event(1);
		const missed = event(2);
		const read = blockedReplay(seen.id, [missed]);
		const client = await RawClient.open(nativeUrl);
		try {
			client.subscribe(1, { topic, lastEventId: seen.id });
			await read.started;
			// Not in the replay, nor in the outbox when read again (as if pruned meanwhile), and
			// one more than it may hold.
			for (let n = 3; n < 3 + MAX_HELD + 1; n++) hub.deliver(event(n));
			read.release();
			const ended = () =>
				client.about(1).find((message) => 'error' in message || message.result?.type === 'stopped');
			await client.until(() => ended() !== undefined);
			expect(ended()).toMatchObject({
				error: { json: { data: { code: 'SERVICE_UNAVAILABLE' } } }
			});
			expect(dataIdsOf(client)).toEqual([missed.id]);
			await vi.waitFor(() => expect(fanoutStats(asHub)).toEqual({ channels: 0, subscribers: 0 }));
		} finally {
			await client.close();
		}
	});

	it('drops a subscriber that stops reading once its send buffer passes the bound', async () => {
		const topic = 'trades:flood';
		const client = await RawClient.open(nativeUrl);
		const dropped = new Promise<void>((resolve) => (onSlowConsumer = resolve));
		let isDropped = false;
		void dropped.then(() => (isDropped = true));
		const closed = new Promise<void>((resolve) => client.socket.once('close', () => resolve()));
		client.subscribe(1, { topic });
		await client.untilFrames(1, 'started');
		(client.socket as unknown as { _socket: { pause(): void } })._socket.pause();
		const chunk = 'x'.repeat(64 * 1024);
		while (!isDropped) {
			hub.deliver(hub.event(topic, { chunk }));
			// Lets the socket's write path run between events, as the hub's polls would.
			await new Promise<void>((resolve) => setImmediate(resolve));
		}
		expect(slowConsumers).toBe(1);
		(client.socket as unknown as { _socket: { resume(): void } })._socket.resume();
		await closed;
		await vi.waitFor(() => expect(fanoutStats(asHub)).toEqual({ channels: 0, subscribers: 0 }));
		expect(hub.listenerCount(topic)).toBe(0);
	});
});

describe('the ordinary path', () => {
	it('ends a subscription that had to drop events with an error, rather than skip them', async () => {
		const topic = 'trades:ordinary-flood';
		const client = await RawClient.open(plainUrl);
		try {
			client.subscribe(1, { topic });
			await client.untilFrames(1, 'started');
			await vi.waitFor(() => expect(hub.listenerCount(topic)).toBe(1));
			// More than the stream buffers, in one turn: it cannot send them before the next comes.
			for (let n = 0; n < 1_001; n++) hub.deliver(hub.event(topic, { n }));
			const last = hub.event(topic, { n: 'last' });
			hub.deliver(last);
			const ended = () => client.about(1).find((message) => 'error' in message);
			const gotLast = () => client.about(1).some((message) => message.result?.id === last.id);
			await client.until(() => ended() !== undefined || gotLast());
			expect(ended()).toMatchObject({
				error: { json: { data: { code: 'SERVICE_UNAVAILABLE' } } }
			});
			await vi.waitFor(() => expect(hub.listenerCount(topic)).toBe(0));
		} finally {
			await client.close();
		}
	});
});

/** The ids of the data items a raw client received for its subscription 1, in order. */
function dataIdsOf(client: RawClient) {
	return client
		.about(1)
		.filter((message) => message.result?.type === 'data')
		.map((message) => message.result!.id);
}

/**
 * The replay of a subscriber resuming after `firstAfter`: its read waits until released, then
 * gives `first`; a read after any other id (reading again, see catchUp) gives `later` of it.
 */
function blockedReplay(
	firstAfter: string,
	first: HubEvent[],
	later: (afterId: string) => HubEvent[] = () => []
) {
	let release!: () => void;
	const started = new Promise<string>((resolve) => {
		readMissed = async (afterId) => {
			if (afterId !== firstAfter) return later(afterId);
			resolve(afterId);
			await new Promise<void>((released) => (release = released));
			return first;
		};
	});
	return { started, release: () => release() };
}
