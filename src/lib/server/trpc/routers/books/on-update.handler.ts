// A live order book: first a snapshot at seq s, then changes s+1, s+2… as absolute level
// quantities, each tracked by its seq so a reconnecting client resumes where it stopped (from
// the outbox) or gets a fresh snapshot when that is too old or past the book's seq. Changes are
// conflated: a client gets the latest state of the levels that moved at most every CONFLATE_MS,
// so a slow client never makes the server queue every delta for it. Over the app's WebSocket the
// conflation is per book and each merged delta is encoded once for all subscribers (see
// ws/book-fanout.ts); anywhere else this is a generator per subscriber.
import { tracked } from '@trpc/server';
import { readBookEventsSince, type HubEvent } from '$lib/server/events';
import { CONFLATE_MS, bookLevelsOf, fanOutBook, type BookLevel } from '$lib/server/ws/book-fanout';
import type { FanoutCall, TrackedStream } from '$lib/server/ws/fanout';
import type { Context } from '../../context';
import { bookTarget, callEngineOrThrow } from '../../served';
import type { OnUpdateInput } from './on-update.schema';

export { CONFLATE_MS };
/** Most missed updates replayed on reconnect; further behind, a snapshot is cheaper. */
const MAX_REPLAY = 1_000;
/** Most updates held for one subscriber between sends; beyond that it gets a snapshot. */
const MAX_PENDING = 5_000;

type Level = BookLevel;

export type BookUpdate =
	| {
			type: 'snapshot';
			seq: string;
			bids: Omit<Level, 'side'>[];
			asks: Omit<Level, 'side'>[];
			lastPriceCents: number | null;
	  }
	| { type: 'delta'; fromSeq: string; seq: string; levels: Level[] };

type Snapshot = Extract<BookUpdate, { type: 'snapshot' }>;
type Delta = Extract<BookUpdate, { type: 'delta' }>;

const levelsOf = bookLevelsOf;

interface Call {
	ctx: Context;
	input: OnUpdateInput;
	signal?: AbortSignal;
}

async function readSnapshot({ ctx, input }: Call): Promise<Snapshot> {
	const target = await bookTarget(ctx, input.optionId);
	const { value: book } = await callEngineOrThrow(ctx, 'getOrderBook', (engines) =>
		engines.getOrderBook(target, input.optionId)
	);
	const { seq, bids, asks, lastPriceCents } = book;
	return { type: 'snapshot', seq, bids, asks, lastPriceCents };
}

/** The book's committed seq, or null when the option has no book. */
async function readBookSeq({ ctx, input }: Call): Promise<bigint | null> {
	const book = await ctx.prisma.book.findUnique({
		where: { optionId: input.optionId },
		select: { seq: true }
	});
	return book?.seq ?? null;
}

/**
 * What a client that holds seq `lastEventId` missed, one delta per seq from the outbox, or null
 * when that is not there in full (too old, too many) or the book never reached that seq: it
 * then gets a snapshot.
 */
async function readMissed(call: Call): Promise<{ afterSeq: bigint; deltas: Delta[] } | null> {
	const { ctx, input } = call;
	if (!input.lastEventId) return null;
	const resumeFrom = BigInt(input.lastEventId);
	// A seq past the book's is none of its states (another database's, or garbage), and the
	// outbox, holding nothing after it, would pass it as nothing missed. Read before the outbox,
	// so that a seq committed in between cannot make such a cursor look like one it reached.
	const bookSeq = await readBookSeq(call);
	if (bookSeq === null || resumeFrom > bookSeq) return null;
	const missed = await readBookEventsSince(ctx.db.pool, input.optionId, resumeFrom, MAX_REPLAY + 1);
	const canReplay =
		missed.length <= MAX_REPLAY &&
		missed.every(
			(event, index) => BigInt(event.bookSeq ?? -1) === resumeFrom + BigInt(index + 1)
		) &&
		missed.every((event) => levelsOf(event) !== null);
	if (!canReplay) return null;
	return {
		afterSeq: resumeFrom,
		deltas: missed.map((event) => ({
			type: 'delta',
			fromSeq: event.bookSeq!,
			seq: event.bookSeq!,
			levels: levelsOf(event)!
		}))
	};
}

export function onBookUpdate({
	ctx,
	input,
	...call
}: FanoutCall & { ctx: Context; input: OnUpdateInput }): TrackedStream<BookUpdate> {
	return fanOutBook<Snapshot>(
		call,
		() => ({
			hub: ctx.events,
			optionId: input.optionId,
			snapshot: () => readSnapshot({ ctx, input }),
			replay: () => readMissed({ ctx, input })
		}),
		() => streamBookUpdates({ ctx, input, signal: call.signal })
	);
}

/** The ordinary path: one generator, hub listener and conflation timer per subscriber. */
async function* streamBookUpdates({ ctx, input, signal }: Call) {
	let pending: HubEvent[] = [];
	let overflowed = false;
	let wake: (() => void) | null = null;
	// Subscribe before reading the snapshot, so nothing committed in between is lost.
	const unsubscribe = ctx.events.subscribe(`book:${input.optionId}`, (event) => {
		if (pending.length >= MAX_PENDING) {
			overflowed = true;
			pending = [];
		} else {
			pending.push(event);
		}
		wake?.();
	});
	const onAbort = () => wake?.();
	signal?.addEventListener('abort', onAbort, { once: true });

	const snapshot = () => readSnapshot({ ctx, input });
	const pause = (ms: number) =>
		new Promise<void>((resolve) => {
			const timer = setTimeout(done, ms);
			function done() {
				clearTimeout(timer);
				signal?.removeEventListener('abort', done);
				resolve();
			}
			signal?.addEventListener('abort', done, { once: true });
		});

	try {
		let seq: bigint;
		const replayed = await readMissed({ ctx, input });
		if (replayed) {
			seq = replayed.afterSeq;
			for (const delta of replayed.deltas) {
				yield tracked(delta.seq, delta satisfies BookUpdate);
				seq = BigInt(delta.seq);
			}
		} else {
			const first = await snapshot();
			seq = BigInt(first.seq);
			yield tracked(first.seq, first satisfies BookUpdate);
		}

		while (!signal?.aborted) {
			if (pending.length === 0 && !overflowed) {
				await new Promise<void>((resolve) => (wake = resolve));
				wake = null;
				continue;
			}
			const events = pending;
			pending = [];
			const changed = new Map<string, Level>();
			let gap = overflowed;
			overflowed = false;
			const fromSeq = seq + 1n;
			for (const event of events) {
				if (event.bookSeq === null) continue;
				const eventSeq = BigInt(event.bookSeq);
				if (eventSeq <= seq) continue;
				const levels = levelsOf(event);
				if (eventSeq !== seq + 1n || levels === null) {
					gap = true;
					break;
				}
				for (const level of levels) changed.set(`${level.side}:${level.priceCents}`, level);
				seq = eventSeq;
			}
			if (gap) {
				const fresh = await snapshot();
				seq = BigInt(fresh.seq);
				pending = pending.filter((event) => event.bookSeq !== null && BigInt(event.bookSeq) > seq);
				yield tracked(fresh.seq, fresh satisfies BookUpdate);
			} else if (changed.size > 0) {
				yield tracked(String(seq), {
					type: 'delta',
					fromSeq: String(fromSeq),
					seq: String(seq),
					levels: [...changed.values()]
				} satisfies BookUpdate);
			}
			await pause(CONFLATE_MS);
		}
	} finally {
		unsubscribe();
		signal?.removeEventListener('abort', onAbort);
	}
}
