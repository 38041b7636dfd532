// Native fan-out for books.onUpdate, conflated per book rather than per subscriber.
//
// As in fanout.ts the procedure still runs under tRPC (input, `started`, `stopped`, errors, stop
// and socket close), and over the app's WebSocket its resolver returns an iterator that never
// yields. The subscriber joins the book's channel: one hub listener on `book:<optionId>` that
// collects the book's deltas into a window (levels are absolute totals, so the window keeps the
// latest per (side, price)) and, at most every CONFLATE_MS, emits the window as one merged delta
// `{ fromSeq, seq, levels }`, encoded once per distinct subscription id and sent to every socket
// of that id, tracked by its `seq`.
//
// Each subscriber still starts on its own: a snapshot at seq S, or, with `lastEventId`, the
// missed deltas one by one from the outbox (as the ordinary path does); merged deltas that the
// channel emits meanwhile are held. From then on it is sent every merged delta that ends after
// the seq it holds. A merged delta that starts at or before that seq (it also covers changes the
// subscriber already has) is still right to apply, since its levels are absolute; that one is
// encoded for this subscriber alone with `fromSeq` moved up to the seq after the one it holds,
// so every subscriber sees `fromSeq` = its previous seq + 1 exactly as before. A delta that
// starts further on (the channel missed a seq, a book event without levels, or held deltas were
// dropped) sends that subscriber a fresh snapshot. A slow socket is bounded by the endpoint's
// send buffer (dropped; the client reconnects with `lastEventId` and resynchronises).
//
// Stop, socket close or logout abort the call, which removes the subscriber; with the last one
// the channel drops its hub listener and its timer.
import type { EventHub, HubEvent } from '../events';
import { deepFreeze } from '../events/outbox';
import {
	frameOf,
	FrameGroups,
	NativeIterator,
	sendFrame,
	type FanoutCall,
	type FrameGroup,
	type TrackedStream
} from './fanout';
import { subscriptionTargetOf, type SubscriptionTarget } from './frame';

export const CONFLATE_MS = 100;

/** The conflation timer's time: the real one, or one that a test moves by hand. */
export interface ConflationClock {
	now(): number;
	setTimeout(run: () => void, ms: number): unknown;
	clearTimeout(timer: unknown): void;
}

export const realConflationClock: ConflationClock = {
	now: () => performance.now(),
	setTimeout: (run, ms) => setTimeout(run, ms),
	clearTimeout: (timer) => clearTimeout(timer as ReturnType<typeof setTimeout>)
};
/** Merged deltas held for one subscriber while its snapshot or replay is read. */
const MAX_HELD = 1_000;

export interface BookLevel {
	side: 'BUY' | 'SELL';
	priceCents: number;
	quantity: number;
	orders: number;
}

export interface BookSnapshot {
	type: 'snapshot';
	seq: string;
}

export interface BookDelta {
	type: 'delta';
	fromSeq: string;
	seq: string;
	levels: BookLevel[];
}

export interface BookFanoutSpec<S extends BookSnapshot> {
	hub: EventHub;
	optionId: string;
	/** The book now, for this subscriber. */
	snapshot: () => Promise<S>;
	/**
	 * For a reconnecting subscriber: the deltas it missed, one per seq after its `lastEventId`,
	 * or null when they are gone or the book never reached that seq (it gets a snapshot): an
	 * empty list says it holds the book as it is. `afterSeq` is the seq it holds.
	 */
	replay?: () => Promise<{ afterSeq: bigint; deltas: BookDelta[] } | null>;
	/**
	 * The clock of the book's conflation timer: the channel takes the one its first subscriber
	 * brings (the real one unless a test brings its own).
	 */
	clock?: ConflationClock;
}

/** The levels of a `book.delta` event, or null when it has none. */
export function bookLevelsOf(event: HubEvent): BookLevel[] | null {
	const payload = event.payload as { levels?: BookLevel[] } | null;
	return event.kind === 'book.delta' && Array.isArray(payload?.levels) ? payload.levels : null;
}

/** A merged delta as the channel emits it. */
interface Emitted {
	from: bigint;
	to: bigint;
	delta: BookDelta;
}

type BookGroup = FrameGroup<BookMember>;

/** The call a member belongs to. */
interface MemberOwner {
	readonly socket: SubscriptionTarget['socket'];
	/** Sends a fresh snapshot; `pending` is held until then. */
	resync(pending: Emitted | null): void;
}

/** One subscriber in a book channel. */
class BookMember {
	/** The seq the subscriber's book is at; null while its snapshot or replay is read. */
	seq: bigint | null = null;
	/** Merged deltas emitted while syncing. */
	held: Emitted[] = [];
	/** Held deltas were dropped: it needs a snapshot once synced. */
	overflowed = false;

	constructor(
		readonly group: BookGroup,
		readonly subscription: MemberOwner
	) {}

	get socket() {
		return this.subscription.socket;
	}

	deliver(emitted: Emitted, frameOfGroup: () => Buffer): void {
		const { seq } = this;
		if (seq === null) {
			if (this.held.length >= MAX_HELD) {
				this.held = [];
				this.overflowed = true;
			}
			this.held.push(emitted);
			return;
		}
		const { from, to, delta } = emitted;
		if (to <= seq) return;
		if (from === seq + 1n) {
			sendFrame(this.socket, frameOfGroup());
		} else if (from <= seq) {
			// Levels are absolute: the whole window applied on top of `seq` is the book at `to`.
			const own = deepFreeze({ ...delta, fromSeq: String(seq + 1n) });
			sendFrame(this.socket, frameOf(this.group.target, delta.seq, own));
		} else {
			this.subscription.resync(emitted);
			return;
		}
		this.seq = to;
	}

	/** Synced at `seq`: what was held, then live. */
	synced(seq: bigint): void {
		const held = this.held;
		this.held = [];
		this.seq = seq;
		if (this.overflowed) {
			this.overflowed = false;
			this.subscription.resync(null);
			return;
		}
		for (let i = 0; i < held.length; i++) {
			const emitted = held[i]!;
			this.deliver(emitted, () => frameOf(this.group.target, emitted.delta.seq, emitted.delta));
			if (this.seq === null) {
				// Resynchronising: the rest waits for the new snapshot.
				this.held.push(...held.slice(i + 1));
				break;
			}
		}
	}
}

/** The subscribers of one book on one hub, behind one hub listener and one conflation timer. */
class BookChannel {
	readonly #groups = new FrameGroups<BookGroup, BookMember>((key, target) => ({
		key,
		target,
		members: new Set()
	}));
	readonly #unsubscribe: () => void;
	/** The last seq taken in. */
	#seq: bigint | null = null;
	#window: { from: bigint; to: bigint; levels: Map<string, BookLevel> } | null = null;
	#timer: unknown = null;
	#lastEmit = -Infinity;

	constructor(
		hub: EventHub,
		optionId: string,
		private readonly clock: ConflationClock,
		private readonly onEmpty: () => void
	) {
		this.#unsubscribe = hub.subscribe(`book:${optionId}`, (event) => this.#take(event));
	}

	get size(): number {
		return this.#groups.size;
	}

	get timers(): number {
		return this.#timer === null ? 0 : 1;
	}

	join(target: SubscriptionTarget, subscription: MemberOwner): BookMember {
		return this.#groups.join(target, (group) => new BookMember(group, subscription));
	}

	leave(member: BookMember): void {
		if (this.#groups.leave(member)) {
			this.#unsubscribe();
			if (this.#timer !== null) this.clock.clearTimeout(this.#timer);
			this.#timer = null;
			this.#window = null;
			this.onEmpty();
		}
	}

	#take(event: HubEvent): void {
		if (event.bookSeq === null) return;
		const seq = BigInt(event.bookSeq);
		if (this.#seq !== null && seq <= this.#seq) return;
		const levels = bookLevelsOf(event);
		if (levels === null || (this.#seq !== null && seq !== this.#seq + 1n)) {
			// Not mergeable with what came before: emit that now, and start after it. Subscribers
			// behind this seq find the next window does not follow theirs and resynchronise.
			this.#emit();
		}
		this.#seq = seq;
		if (levels === null) {
			for (const group of this.#groups.values()) {
				for (const member of group.members) {
					if (member.seq !== null && member.seq < seq) member.subscription.resync(null);
				}
			}
			return;
		}
		const window = (this.#window ??= { from: seq, to: seq, levels: new Map() });
		window.to = seq;
		for (const level of levels) window.levels.set(`${level.side}:${level.priceCents}`, level);
		if (this.#timer === null) {
			const wait = Math.max(0, this.#lastEmit + CONFLATE_MS - this.clock.now());
			this.#timer = this.clock.setTimeout(() => this.#emit(), wait);
		}
	}

	#emit(): void {
		if (this.#timer !== null) this.clock.clearTimeout(this.#timer);
		this.#timer = null;
		const window = this.#window;
		this.#window = null;
		if (!window) return;
		this.#lastEmit = this.clock.now();
		const emitted: Emitted = {
			from: window.from,
			to: window.to,
			// Frozen: the transformer serialises a frozen payload once for every group.
			delta: deepFreeze({
				type: 'delta',
				fromSeq: String(window.from),
				seq: String(window.to),
				levels: [...window.levels.values()]
			})
		};
		for (const group of [...this.#groups.values()]) {
			let frame: Buffer | null = null;
			const frameOfGroup = () =>
				(frame ??= frameOf(group.target, emitted.delta.seq, emitted.delta));
			for (const member of [...group.members]) member.deliver(emitted, frameOfGroup);
		}
	}
}

const channelsByHub = new WeakMap<EventHub, Map<string, BookChannel>>();

function channelFor(hub: EventHub, optionId: string, clock: ConflationClock): BookChannel {
	let channels = channelsByHub.get(hub);
	if (!channels) {
		channels = new Map();
		channelsByHub.set(hub, channels);
	}
	let channel = channels.get(optionId);
	if (!channel) {
		const owner = channels;
		const created = new BookChannel(hub, optionId, clock, () => {
			if (owner.get(optionId) === created) owner.delete(optionId);
		});
		owner.set(optionId, created);
		channel = created;
	}
	return channel;
}

/** Native book subscribers, channels and conflation timers on `hub`, for tests and diagnostics. */
export function bookFanoutStats(hub: EventHub): {
	channels: number;
	subscribers: number;
	timers: number;
} {
	let subscribers = 0;
	let timers = 0;
	const channels = channelsByHub.get(hub);
	for (const channel of channels?.values() ?? []) {
		subscribers += channel.size;
		timers += channel.timers;
	}
	return { channels: channels?.size ?? 0, subscribers, timers };
}

/** One books.onUpdate call served natively. */
export class BookSubscription<S extends BookSnapshot>
	extends NativeIterator<S | BookDelta>
	implements MemberOwner
{
	readonly #spec: BookFanoutSpec<S>;
	#channel: BookChannel | null = null;
	#member: BookMember | null = null;
	#syncing = false;

	constructor(target: SubscriptionTarget, signal: AbortSignal, spec: BookFanoutSpec<S>) {
		super(target, signal);
		this.#spec = spec;
	}

	get socket() {
		return this.target.socket;
	}

	protected start(): void {
		// Join before reading the snapshot, so nothing committed in between is lost.
		const { hub, optionId, clock = realConflationClock } = this.#spec;
		const channel = channelFor(hub, optionId, clock);
		this.#channel = channel;
		this.#member = channel.join(this.target, this);
		this.#sync(true);
	}

	/** Sends a fresh snapshot; `pending` (the delta that showed a gap) is held meanwhile. */
	resync(pending: Emitted | null): void {
		const member = this.#member;
		if (!member || this.ended) return;
		member.seq = null;
		if (pending) member.held.push(pending);
		this.#sync(false);
	}

	#sync(first: boolean): void {
		if (this.#syncing) return;
		this.#syncing = true;
		this.#read(first).then(
			(seq) => {
				this.#syncing = false;
				if (!this.ended && this.#member) this.#member.synced(seq);
			},
			(error: unknown) => {
				this.#syncing = false;
				this.fail(error);
			}
		);
	}

	/** Sends the subscriber its starting point; resolves with the seq it is at. */
	async #read(first: boolean): Promise<bigint> {
		const replayed = first && this.#spec.replay ? await this.#spec.replay() : null;
		if (this.ended) return 0n;
		if (replayed) {
			for (const delta of replayed.deltas) {
				sendFrame(this.socket, frameOf(this.target, delta.seq, delta));
			}
			return replayed.deltas.length > 0 ? BigInt(replayed.deltas.at(-1)!.seq) : replayed.afterSeq;
		}
		const snapshot = await this.#spec.snapshot();
		if (this.ended) return 0n;
		sendFrame(this.socket, frameOf(this.target, snapshot.seq, snapshot));
		return BigInt(snapshot.seq);
	}

	protected release(): void {
		if (this.#channel && this.#member) this.#channel.leave(this.#member);
		this.#channel = null;
		this.#member = null;
	}
}

/**
 * A book's updates for `call`, sent natively when it came over the app's WebSocket; anywhere
 * else (HTTP, a server-side caller) `otherwise()`, the ordinary per-subscriber generator.
 */
export function fanOutBook<S extends BookSnapshot>(
	call: FanoutCall,
	spec: () => BookFanoutSpec<S>,
	otherwise: () => TrackedStream<S | BookDelta>
): TrackedStream<S | BookDelta> {
	const target = subscriptionTargetOf(call);
	if (target && call.signal) return new BookSubscription(target, call.signal, spec());
	return otherwise();
}
