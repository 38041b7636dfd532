// A hub subscription as an async stream with a bounded buffer, for subscription procedures: a
// consumer that falls behind loses the buffered events and is told to start over from a
// snapshot, so a slow client never grows the server's memory or holds the hub back.
import { covers, parseCursor } from './cursor';
import type { EventHub } from './hub';
import type { HubEvent } from './outbox';

export type TopicStreamItem =
	| { type: 'event'; event: HubEvent }
	/** Events were dropped: the consumer must resynchronise (for a book, from a snapshot). */
	| { type: 'overflow'; dropped: number };

export interface TopicStreamOptions {
	maxBuffered?: number;
	signal?: AbortSignal;
	/**
	 * What a reconnecting client missed, in pages (see replayAfter): the stream first sends them
	 * from the outbox (read after subscribing, so nothing falls between), then goes live. Given an
	 * event's cursor, the events after that one instead (see catchUp).
	 */
	replay?: (after?: string) => AsyncIterable<readonly HubEvent[]>;
	/**
	 * The cursor the client resumes from (its `lastEventId`): a live event it was sent before it
	 * went away is not sent again. The hub of the process it comes back to may be behind the one
	 * it left.
	 */
	lastEventId?: string | null;
}

/**
 * The live events that came during a replay while its subscriber's hold was full (their ids in
 * `unheld`), read from the outbox after the last event the replay sent (`replayed`, its cursor):
 * the hub delivered them, so they committed and the outbox has them. Each one found leaves
 * `unheld`; what is still there afterwards is lost. Reads again while more come, and stops when
 * a read finds none of them.
 */
export async function catchUp(
	replay: NonNullable<TopicStreamOptions['replay']>,
	replayed: string | undefined,
	unheld: Set<string>,
	ended: () => boolean = () => false
): Promise<HubEvent[]> {
	const caught: HubEvent[] = [];
	let after = replayed;
	while (unheld.size > 0 && !ended()) {
		const before = unheld.size;
		for await (const page of replay(after)) {
			for (const event of page) if (unheld.delete(event.id)) caught.push(event);
			after = page.at(-1)?.cursor ?? after;
			if (unheld.size === 0 || ended()) break;
		}
		if (unheld.size === before) break;
	}
	return caught;
}

/**
 * The events of one topic, or of several merged in arrival order. Subscribes when first read;
 * unsubscribes when the consumer returns or `signal` aborts.
 */
export async function* streamTopic(
	hub: EventHub,
	topic: string | readonly string[],
	{ maxBuffered = 1_000, signal, replay, lastEventId }: TopicStreamOptions = {}
): AsyncGenerator<TopicStreamItem, void, undefined> {
	const resumedFrom = lastEventId ? parseCursor(lastEventId) : null;
	let buffer: HubEvent[] = [];
	let dropped = 0;
	let wake: (() => void) | null = null;
	/** Ids the replay sent: the hub may still deliver them live, and they must not go twice. */
	const replayed = new Set<string>();
	let replaying = replay !== undefined;
	/**
	 * Ids of live events that came during the replay while the buffer was full. The hub delivers
	 * what committed shortly before it was subscribed to as well, which the replay sends anyway;
	 * only those the replay does not send are lost.
	 */
	const unbuffered = new Set<string>();
	const listener = (event: HubEvent) => {
		if (replayed.delete(event.id) || (resumedFrom && covers(resumedFrom, event))) return;
		if (buffer.length < maxBuffered) {
			buffer.push(event);
		} else if (replaying) {
			unbuffered.add(event.id);
		} else {
			dropped += buffer.length + 1;
			buffer = [];
		}
		wake?.();
	};
	const unsubscribes = (typeof topic === 'string' ? [topic] : topic).map((name) =>
		hub.subscribe(name, listener)
	);
	const onAbort = () => wake?.();
	signal?.addEventListener('abort', onAbort, { once: true });
	try {
		if (replay) {
			let last: string | undefined;
			for await (const missed of replay()) {
				const ids = new Set<string>();
				// One that came live already, kept or not, will not come again.
				for (const event of missed) if (!unbuffered.delete(event.id)) ids.add(event.id);
				buffer = buffer.filter((event) => !ids.delete(event.id));
				for (const id of ids) replayed.add(id);
				for (const event of missed) yield { type: 'event', event };
				last = missed.at(-1)?.cursor ?? last;
			}
			// After those the buffer holds (they came first), and before anything live.
			const caught = await catchUp(replay, last, unbuffered, () => signal?.aborted ?? false);
			buffer = [...buffer, ...caught];
			replaying = false;
			dropped += unbuffered.size;
			unbuffered.clear();
		}
		while (!signal?.aborted) {
			if (dropped > 0) {
				const count = dropped;
				dropped = 0;
				yield { type: 'overflow', dropped: count };
			} else if (buffer.length > 0) {
				const events = buffer;
				buffer = [];
				for (const event of events) yield { type: 'event', event };
			} else {
				await new Promise<void>((resolve) => (wake = resolve));
				wake = null;
			}
		}
	} finally {
		for (const unsubscribe of unsubscribes) unsubscribe();
		signal?.removeEventListener('abort', onAbort);
	}
}
