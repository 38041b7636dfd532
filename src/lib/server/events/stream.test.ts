// streamTopic's resume: what a reconnecting consumer missed comes first, then the live events
// that arrived meanwhile, none twice; those it could not buffer are read from the outbox again.
import { describe, expect, it } from 'vitest';
import type { EventHub } from './hub';
import type { HubEvent } from './outbox';
import { cursorText } from './cursor';
import { streamTopic, type TopicStreamItem } from './stream';

const TOPIC = 'trades:x';

function anEvent(id: number): HubEvent {
	return {
		id: String(id),
		topic: TOPIC,
		kind: 'trade',
		optionId: null,
		marketId: null,
		userId: null,
		bookSeq: null,
		payload: { id },
		createdAt: new Date(0),
		xid: String(id),
		cursor: String(id)
	};
}

/** A hub whose test delivers events to the topic's listeners by hand. */
function manualHub() {
	const listeners = new Set<(event: HubEvent) => void>();
	const hub = {
		subscribe(_topic: string, listener: (event: HubEvent) => void) {
			listeners.add(listener);
			return () => listeners.delete(listener);
		}
	} as unknown as EventHub;
	return { hub, deliver: (event: HubEvent) => listeners.forEach((listener) => listener(event)) };
}

async function firstItems(stream: AsyncGenerator<TopicStreamItem>, count: number) {
	const items: string[] = [];
	for await (const item of stream) {
		items.push(item.type === 'event' ? item.event.id : `overflow ${item.dropped}`);
		if (items.length === count) break;
	}
	return items;
}

describe('streamTopic resuming', () => {
	it('does not send again a live event the client had before it went away', async () => {
		const { hub, deliver } = manualHub();
		// The client had every transaction up to xid 10, and event 7 of those that ended by 20.
		const lastEventId = cursorText('10:10:', '10:20:', '7');
		const stream = streamTopic(hub, TOPIC, { lastEventId });
		const first = firstItems(stream, 2);
		await Promise.resolve();
		const event = (id: number, xid: number) => ({ ...anEvent(id), xid: String(xid) });
		// A hub behind the one it left delivers them again: the first three it had.
		for (const late of [event(3, 9), event(6, 15), event(7, 12), event(5, 25), event(8, 15)]) {
			deliver(late);
		}
		expect(await first).toEqual(['5', '8']);
	});

	it('reads the live events it could not buffer during the replay from the outbox again', async () => {
		const { hub, deliver } = manualHub();
		const missed = anEvent(2);
		// Committed after the replay's read, delivered live while it ran: one more than fits.
		const live = [3, 4, 5].map(anEvent);
		const outbox = [missed, ...live];
		const reads: (string | undefined)[] = [];
		const replay = async function* (afterId?: string) {
			reads.push(afterId);
			if (afterId === undefined) {
				for (const event of live) deliver(event);
				yield [missed];
			} else {
				yield outbox.filter((event) => Number(event.id) > Number(afterId));
			}
		};
		const stream = streamTopic(hub, TOPIC, { maxBuffered: 2, replay });
		expect(await firstItems(stream, 4)).toEqual(['2', '3', '4', '5']);
		expect(reads).toEqual([undefined, '2']);
	});

	it('says it dropped what it could neither buffer nor find in the outbox', async () => {
		const { hub, deliver } = manualHub();
		const replay = async function* (afterId?: string) {
			if (afterId === undefined) {
				for (const event of [3, 4, 5].map(anEvent)) deliver(event);
				yield [anEvent(2)];
			}
		};
		const stream = streamTopic(hub, TOPIC, { maxBuffered: 2, replay });
		expect(await firstItems(stream, 2)).toEqual(['2', 'overflow 1']);
	});
});
