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
}

/**
 * The events of one topic, or of several merged in arrival order. Subscribes when first read;
 * unsubscribes when the consumer returns or `signal` aborts.
 */
export async function* streamTopic(
	hub: EventHub,
	topic: string | readonly string[],
	{ maxBuffered = 1_000, signal }: TopicStreamOptions = {}
): AsyncGenerator<TopicStreamItem, void, undefined> {
	let buffer: HubEvent[] = [];
	let dropped = 0;
	let wake: (() => void) | null = null;
	const listener = (event: HubEvent) => {
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
