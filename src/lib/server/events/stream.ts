// A hub subscription as an async stream with a bounded buffer, for subscription procedures: a
// consumer that falls behind loses the buffered events and is told to start over from a
// snapshot, so a slow client never grows the server's memory or holds the hub back.
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
	 * A reconnecting client's last event id: the stream first replays the topic's events after
	 * it from the outbox (read after subscribing, so nothing falls between), then goes live.
	 */
	replay?: { afterId: string; read: (afterId: string) => Promise<HubEvent[]> };
}

/**
 * The events of one topic, or of several merged in arrival order. Subscribes when first read;
 * unsubscribes when the consumer returns or `signal` aborts.
 */
export async function* streamTopic(
	hub: EventHub,
	topic: string | readonly string[],
	{ maxBuffered = 1_000, signal, replay }: TopicStreamOptions = {}
): AsyncGenerator<TopicStreamItem, void, undefined> {
	let buffer: HubEvent[] = [];
	let dropped = 0;
	let wake: (() => void) | null = null;
	/** Ids the replay sent: the hub may still deliver them live, and they must not go twice. */
	const replayed = new Set<string>();
	const listener = (event: HubEvent) => {
		if (replayed.has(event.id)) return;
		if (buffer.length >= maxBuffered) {
			dropped += buffer.length + 1;
			buffer = [];
		} else {
			buffer.push(event);
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
			const missed = await replay.read(replay.afterId);
			for (const event of missed) replayed.add(event.id);
			buffer = buffer.filter((event) => !replayed.has(event.id));
			for (const event of missed) yield { type: 'event', event };
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
