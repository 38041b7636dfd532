// Native fan-out for subscriptions with many subscribers (trades.onTrade, markets.onPrice;
// books.onUpdate, conflated per book, is in book-fanout.ts on the same NativeIterator).
//
// tRPC runs each subscription as an async iterator of its own: every event would pass through the
// procedure's generator and the ws adapter's loop and be serialised again, once per subscriber,
// and at a thousand subscribers that machinery is what limits the rate. Here the procedure still
// runs under tRPC, which keeps doing everything but the events: parsing the message, validating
// the input with the procedure's schema (a bad one is a BAD_REQUEST as before), merging
// `lastEventId` into the input, `started`, `stopped`, errors, `subscription.stop`, and cancelling
// on socket close. Over the app's WebSocket (see frame.ts: the socket and subscription id of the
// call), the resolver returns an iterator that never yields: at its first `next()`, which tRPC
// calls right after sending `started`, the subscriber joins a channel. A channel (one per topic
// set and payload kind per hub) has one hub listener per topic, derives each event's payload
// once, and builds the `data` message tRPC would have sent for a `tracked()` item (same fields,
// same transformer, same encoder, so the client cannot tell) once per event for each distinct
// (subscription id, jsonrpc) among its subscribers, as one Buffer that every socket of that group
// is sent. A subscriber that comes back with `lastEventId` is first sent what it missed, from the
// outbox, page by page, while live events are held for it; then the held ones it did not get in
// the replay, then those it could not hold (read from the outbox again), then live, never an
// event twice (a live event it could neither hold nor find in the outbox ends the call with an
// error rather than a gap). Stop, socket close, logout or revocation abort the call's signal in
// tRPC's adapter, which removes the subscriber, and with the last one the channel and its hub
// listeners. Sends go through the socket's own `send`, so the endpoint's cork per event-loop
// turn and its send-buffer bound (a slow consumer is dropped) apply as before.
//
// Anywhere else (HTTP, a server-side caller, a socket the endpoint did not wire) the same call
// is the ordinary async generator over streamTopic. On both paths an event's payload is made once
// for every subscriber of its kind, and frozen, so the transformer serialises it once.
import { TRPCError, tracked, type TrackedEnvelope } from '@trpc/server';
import type { TRPCResponseMessage } from '@trpc/server/rpc';
import type { WebSocket } from 'ws';
import {
	catchUp,
	streamTopic,
	type EventHub,
	type HubEvent,
	type TopicStreamOptions
} from '../events';
import { covers, parseCursor, type EventCursor } from '../events/cursor';
import { deepFreeze } from '../events/outbox';
import { subscriptionTargetOf, type FrameCodec, type SubscriptionTarget } from './frame';

export interface FanoutSpec<T> {
	hub: EventHub;
	/**
	 * Names what `payloadOf` makes of an event: subscribers share a channel (and its payloads)
	 * when their kind and topics are the same.
	 */
	kind: string;
	topics: readonly string[];
	/**
	 * What subscribers are sent for an event (tracked by its cursor), or undefined to skip it. Called
	 * once per event and kind, however many subscribers there are (see sharedPayloadOf).
	 */
	payloadOf: (event: HubEvent) => T | undefined;
	/** A reconnecting client's missed events, in pages (see replayAfter). */
	replay?: TopicStreamOptions['replay'];
	/** Where that client resumes from: live events it was sent before are not sent again. */
	lastEventId?: string | null;
	/**
	 * Most live events held for one subscriber while its replay is read. Beyond it only their ids
	 * are kept: the call ends with `fellBehind()` if the replay does not send them all, as it does
	 * when streamTopic had to drop events.
	 */
	maxHeld?: number;
}

/** The resolver options a fanned-out subscription needs from tRPC. */
export interface FanoutCall {
	path: string;
	batchIndex?: number;
	signal?: AbortSignal;
}

export type TrackedStream<T> = AsyncIterable<TrackedEnvelope<T>, void, unknown>;

/**
 * The events of `spec` as tracked items, sent natively when the call came over the app's
 * WebSocket. The stream joins its topics when first read, which tRPC does as it sends `started`:
 * a resolver that must look something up first awaits it before returning the stream, so that
 * nothing committed after `started` is missed.
 */
export function fanOutTracked<T>(call: FanoutCall, spec: FanoutSpec<T>): TrackedStream<T> {
	const target = subscriptionTargetOf(call);
	if (target && call.signal) return new NativeSubscription(target, call.signal, spec);
	return streamTracked(spec, call.signal);
}

async function* streamTracked<T>(
	spec: FanoutSpec<T>,
	signal: AbortSignal | undefined
): AsyncGenerator<TrackedEnvelope<T>, void, unknown> {
	const { hub, topics, replay, lastEventId } = spec;
	for await (const item of streamTopic(hub, topics, { signal, replay, lastEventId })) {
		if (item.type === 'overflow') throw fellBehind();
		const payload = sharedPayloadOf(spec, item.event);
		if (payload !== undefined) yield tracked(item.event.cursor, payload);
	}
}

/**
 * The error that ends a subscription that could not be sent every event in order: it resumes
 * with the last tracked id it got (tRPC's client sends it as `lastEventId`) and is sent the rest.
 */
export function fellBehind(): TRPCError {
	return new TRPCError({
		code: 'SERVICE_UNAVAILABLE',
		message: 'events came faster than they could be sent: subscribe again with the last id received'
	});
}

/** Each event's payload per kind, so that every subscriber of that kind sends the same object. */
const payloadsByEvent = new WeakMap<HubEvent, Map<string, unknown>>();

/**
 * `spec.payloadOf(event)`, made once per event and kind and frozen: the hub hands every
 * subscriber the same event, and the transformer serialises a frozen payload once for all
 * (encoding.ts), where a payload made per subscriber would be serialised per subscriber.
 */
function sharedPayloadOf<T>(spec: FanoutSpec<T>, event: HubEvent): T | undefined {
	let byKind = payloadsByEvent.get(event);
	if (byKind === undefined) {
		byKind = new Map();
		payloadsByEvent.set(event, byKind);
	} else if (byKind.has(spec.kind)) {
		return byKind.get(spec.kind) as T | undefined;
	}
	const payload = spec.payloadOf(event);
	const shared = payload === undefined ? undefined : deepFreeze(payload);
	byKind.set(spec.kind, shared);
	return shared;
}

const DEFAULT_MAX_HELD = 1_000;
const SEND_TEXT = { binary: false } as const;
const WEBSOCKET_OPEN = 1;

/** The message tRPC's ws adapter sends for a `tracked(eventId, data)` item, field for field. */
function dataMessage(
	target: Pick<SubscriptionTarget, 'id' | 'jsonrpc'>,
	eventId: string,
	data: unknown
): TRPCResponseMessage {
	return {
		id: target.id,
		jsonrpc: target.jsonrpc,
		result: { type: 'data', data: { id: eventId, data }, id: eventId }
	};
}

/** That message as the Buffer every socket of one subscription id is sent. */
export function frameOf(
	target: Omit<SubscriptionTarget, 'socket'>,
	eventId: string,
	data: unknown
): Buffer {
	return Buffer.from(target.codec.encodeResponse(dataMessage(target, eventId, data)));
}

/** Through the socket's own `send`: the endpoint's cork and send-buffer bound apply. */
export function sendFrame(socket: WebSocket, frame: Buffer): void {
	if (socket.readyState === WEBSOCKET_OPEN) socket.send(frame, SEND_TEXT);
}

/** One subscriber in a channel. */
class Member {
	/** Live events held while the replay is read; null once live. */
	held: [eventId: string, frame: Buffer][] | null = null;
	/**
	 * Ids of live events that came while `held` was full. The hub delivers what committed shortly
	 * before the subscriber joined as well, which the replay sends anyway; only the others are lost.
	 */
	readonly unheld = new Set<string>();
	/**
	 * Ids the replay sent that the hub may still deliver live, from the first page on: one that
	 * comes after its page is not held, and not sent again.
	 */
	skip: Set<string> | null = null;

	constructor(
		readonly socket: WebSocket,
		readonly group: Group,
		readonly maxHeld: number,
		/** The cursor it resumed from: live events it was sent before it went away are skipped. */
		readonly resumedFrom: EventCursor | null
	) {}

	deliver(event: HubEvent, frame: Buffer): void {
		if (this.resumedFrom !== null && covers(this.resumedFrom, event)) return;
		const eventId = event.id;
		if (this.skip !== null && this.skip.delete(eventId)) {
			if (this.skip.size === 0 && this.held === null) this.skip = null;
			return;
		}
		if (this.held !== null) {
			if (this.held.length < this.maxHeld) this.held.push([eventId, frame]);
			else this.unheld.add(eventId);
			return;
		}
		sendFrame(this.socket, frame);
	}
}

/** The subscribers of a channel that share a subscription id: one frame each event. */
class Group {
	readonly members = new Set<Member>();

	constructor(
		readonly key: string,
		readonly target: Omit<SubscriptionTarget, 'socket'>
	) {}

	publish(event: HubEvent, data: unknown): void {
		const frame = frameOf(this.target, event.cursor, data);
		for (const member of this.members) member.deliver(event, frame);
	}
}

const codecSerials = new WeakMap<FrameCodec, number>();
let nextCodecSerial = 0;

/** Subscribers with the same key are sent the same frame for an event. */
function groupKey(target: Omit<SubscriptionTarget, 'socket'>): string {
	let serial = codecSerials.get(target.codec);
	if (serial === undefined) {
		serial = nextCodecSerial++;
		codecSerials.set(target.codec, serial);
	}
	return `${serial}:${target.jsonrpc ?? ''}:${typeof target.id}:${target.id}`;
}

/** Subscribers that joined with the same groupKey: one frame serves them all. */
export interface FrameGroup<M> {
	readonly key: string;
	readonly target: Omit<SubscriptionTarget, 'socket'>;
	readonly members: Set<M>;
}

/** A channel's subscribers, in groups that share a frame, and how many there are. */
export class FrameGroups<G extends FrameGroup<M>, M extends { readonly group: G }> {
	readonly #groups = new Map<string, G>();
	#size = 0;

	constructor(
		private readonly makeGroup: (key: string, target: Omit<SubscriptionTarget, 'socket'>) => G
	) {}

	get size(): number {
		return this.#size;
	}

	values(): IterableIterator<G> {
		return this.#groups.values();
	}

	/** Adds the member `make` builds for the target's group, made when it is the first. */
	join(target: SubscriptionTarget, make: (group: G) => M): M {
		const key = groupKey(target);
		let group = this.#groups.get(key);
		if (!group) {
			group = this.makeGroup(key, { id: target.id, jsonrpc: target.jsonrpc, codec: target.codec });
			this.#groups.set(key, group);
		}
		const member = make(group);
		group.members.add(member);
		this.#size++;
		return member;
	}

	/** Removes a member; true when it was the last one. */
	leave(member: M): boolean {
		const { group } = member;
		if (!group.members.delete(member)) return false;
		if (group.members.size === 0 && this.#groups.get(group.key) === group) {
			this.#groups.delete(group.key);
		}
		return --this.#size === 0;
	}
}

/** The subscribers of one topic set and payload kind on one hub, behind one hub listener each. */
class Channel<T> {
	readonly #groups = new FrameGroups<Group, Member>((key, target) => new Group(key, target));
	readonly #unsubscribes: (() => void)[];

	constructor(
		readonly spec: FanoutSpec<T>,
		private readonly onEmpty: () => void
	) {
		const listener = (event: HubEvent) => this.#publish(event);
		this.#unsubscribes = spec.topics.map((topic) => spec.hub.subscribe(topic, listener));
	}

	get size(): number {
		return this.#groups.size;
	}

	join(target: SubscriptionTarget, maxHeld: number, resumedFrom: EventCursor | null): Member {
		return this.#groups.join(
			target,
			(group) => new Member(target.socket, group, maxHeld, resumedFrom)
		);
	}

	leave(member: Member): void {
		if (this.#groups.leave(member)) {
			for (const unsubscribe of this.#unsubscribes) unsubscribe();
			this.onEmpty();
		}
	}

	#publish(event: HubEvent): void {
		const data = sharedPayloadOf(this.spec, event);
		if (data === undefined) return;
		for (const group of this.#groups.values()) group.publish(event, data);
	}
}

const channelsByHub = new WeakMap<EventHub, Map<string, Channel<unknown>>>();

function channelFor<T>(spec: FanoutSpec<T>): Channel<T> {
	let channels = channelsByHub.get(spec.hub);
	if (!channels) {
		channels = new Map();
		channelsByHub.set(spec.hub, channels);
	}
	const key = `${spec.kind}\u0000${[...spec.topics].sort().join('\u0000')}`;
	let channel = channels.get(key) as Channel<T> | undefined;
	if (!channel) {
		const owner = channels;
		const created = new Channel(spec, () => {
			if (owner.get(key) === created) owner.delete(key);
		});
		owner.set(key, created as Channel<unknown>);
		channel = created;
	}
	return channel;
}

/** Native subscribers and channels on `hub`, for tests and diagnostics. */
export function fanoutStats(hub: EventHub): { channels: number; subscribers: number } {
	let subscribers = 0;
	const channels = channelsByHub.get(hub);
	for (const channel of channels?.values() ?? []) subscribers += channel.size;
	return { channels: channels?.size ?? 0, subscribers };
}

const DONE: IteratorReturnResult<void> = { done: true, value: undefined };

/**
 * What the resolver returns over the app's WebSocket: tRPC iterates it (one pending `next()` for
 * the subscription's life) while events go to the socket from elsewhere. `start` runs at the
 * first `next()`, right after tRPC sent `started`; `release` once, when the call ends (stop,
 * socket close, logout: the signal aborts) or fails.
 */
export abstract class NativeIterator<T> implements AsyncIterableIterator<
	TrackedEnvelope<T>,
	void,
	unknown
> {
	readonly #signal: AbortSignal;
	#state: 'new' | 'running' | 'ended' = 'new';
	readonly #ended: Promise<IteratorResult<TrackedEnvelope<T>, void>>;
	#resolveEnded!: (result: IteratorResult<TrackedEnvelope<T>, void>) => void;
	#rejectEnded!: (error: unknown) => void;
	readonly #onAbort = () => this.end();

	constructor(
		protected readonly target: SubscriptionTarget,
		signal: AbortSignal
	) {
		this.#signal = signal;
		this.#ended = new Promise((resolve, reject) => {
			this.#resolveEnded = resolve;
			this.#rejectEnded = reject;
		});
	}

	protected abstract start(): void;
	protected abstract release(): void;

	get ended(): boolean {
		return this.#state === 'ended';
	}

	[Symbol.asyncIterator](): this {
		return this;
	}

	next(): Promise<IteratorResult<TrackedEnvelope<T>, void>> {
		if (this.#state === 'new') {
			this.#state = 'running';
			this.#signal.addEventListener('abort', this.#onAbort, { once: true });
			if (this.#signal.aborted) {
				this.end();
			} else {
				try {
					this.start();
				} catch (error) {
					this.fail(error);
				}
			}
		}
		return this.#ended;
	}

	return(): Promise<IteratorResult<TrackedEnvelope<T>, void>> {
		this.end();
		return Promise.resolve(DONE);
	}

	/** Ends the call with `error`: tRPC sends it to the client as the subscription's error. */
	fail(error: unknown): void {
		if (this.#state === 'ended') return;
		this.#finish();
		this.#rejectEnded(error);
	}

	end(): void {
		if (this.#state === 'ended') return;
		this.#finish();
		this.#resolveEnded(DONE);
	}

	#finish(): void {
		this.#state = 'ended';
		this.#signal.removeEventListener('abort', this.#onAbort);
		this.release();
	}
}

/** A subscriber of a topic channel. */
class NativeSubscription<T> extends NativeIterator<T> {
	readonly #spec: FanoutSpec<T>;
	#channel: Channel<T> | null = null;
	#member: Member | null = null;

	constructor(target: SubscriptionTarget, signal: AbortSignal, spec: FanoutSpec<T>) {
		super(target, signal);
		this.#spec = spec;
	}

	/** Joins the topics' channel: at the first `next()`, right after tRPC sent `started`. */
	protected start(): void {
		const spec = this.#spec;
		let channel: Channel<T>;
		try {
			channel = channelFor(spec);
		} catch (error) {
			this.fail(error);
			return;
		}
		const member = channel.join(
			this.target,
			spec.maxHeld ?? DEFAULT_MAX_HELD,
			spec.lastEventId ? parseCursor(spec.lastEventId) : null
		);
		this.#channel = channel;
		this.#member = member;
		if (spec.replay) {
			member.held = [];
			this.#replay(spec, member, spec.replay).catch((error: unknown) => this.fail(error));
		}
	}

	async #replay(
		spec: FanoutSpec<T>,
		member: Member,
		replay: NonNullable<FanoutSpec<T>['replay']>
	): Promise<void> {
		const skip = new Set<string>();
		member.skip = skip;
		const send = (event: HubEvent) => {
			const payload = sharedPayloadOf(spec, event);
			if (payload !== undefined) {
				sendFrame(member.socket, frameOf(this.target, event.cursor, payload));
			}
		};
		let last: string | undefined;
		for await (const missed of replay()) {
			if (this.ended) return;
			for (const event of missed) {
				// One that came live while `held` was full will not come again.
				if (!member.unheld.delete(event.id)) skip.add(event.id);
				send(event);
			}
			last = missed.at(-1)?.cursor ?? last;
		}
		const caught = await catchUp(replay, last, member.unheld, () => this.ended);
		if (this.ended) return;
		// Live events neither held nor found in the outbox: going live would leave a gap.
		if (member.unheld.size > 0) throw fellBehind();
		const held = member.held ?? [];
		member.held = null;
		for (const [eventId, frame] of held) {
			// Sent by the replay already; the hub will not deliver it again either.
			if (!skip.delete(eventId)) sendFrame(member.socket, frame);
		}
		// They came after the held ones, and the hub has delivered them already.
		for (const event of caught) send(event);
		member.skip = skip.size > 0 ? skip : null;
	}

	protected release(): void {
		if (this.#channel && this.#member) this.#channel.leave(this.#member);
		this.#channel = null;
		this.#member = null;
	}
}
