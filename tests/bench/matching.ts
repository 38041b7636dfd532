// Matching benchmark: the shared workload through our core and through nodejs-order-book in
// one process, alternating runs, after checking that both do the same matching work.

import { OrderBook as NodejsOrderBook, Side as NodejsSide } from 'nodejs-order-book';
import { OrderBook } from '../../src/lib/engine/core';
import type { Side } from '../../src/lib/engine/core';
import { checksum, generateWorkload, OpKind } from './workload';
import type { Workload } from './workload';

export interface EngineFigures {
	/** Median of the timed runs. */
	opsPerSec: number;
	runs: number[];
}

export interface MatchingResult {
	workload: { seed: number; ops: number; checksum: string };
	ours: EngineFigures;
	nodejsOrderBook: EngineFigures;
	/** ours ÷ nodejs-order-book, medians. */
	ratio: number;
	/** Shares traded over the whole workload; the same for both engines, or the bench fails. */
	tradedQuantity: number;
	node: string;
	date: string;
}

export interface MatchingBenchOptions {
	seed?: number;
	ops?: number;
	runs?: number;
}

/** What an engine did over the workload, to prove both did the same work. */
interface Outcome {
	tradedQuantity: number;
	/** Final L2 depth, "side price quantity" per level, best first. */
	depth: string[];
}

/**
 * Ids are strings prepared once, outside the timed loops, for both engines. Every order gets
 * its own user id: nodejs-order-book has no self-trade prevention unless asked, and ours always
 * applies it, so distinct users make both books match exactly the same way.
 */
interface PreparedWorkload {
	w: Workload;
	ids: string[];
}

const ourSides: readonly Side[] = ['BUY', 'SELL'];
const theirSides: readonly NodejsSide[] = [NodejsSide.BUY, NodejsSide.SELL];

/**
 * The timed loops add up a little of each result (how many events, how many orders done), so
 * that both engines build their full results and neither can be optimised away.
 */
function runOurs({ w, ids }: PreparedWorkload): number {
	const book = new OrderBook();
	const { kind, side, price, qty, target } = w;
	let consumed = 0;
	for (let i = 0; i < w.length; i++) {
		const k = kind[i];
		const id = ids[i]!;
		if (k === OpKind.LIMIT) {
			consumed += book.place({
				orderId: id,
				userId: id,
				side: ourSides[side[i]!]!,
				type: 'LIMIT',
				priceCents: price[i]!,
				quantity: qty[i]!,
				timestampMs: i
			}).length;
		} else if (k === OpKind.CANCEL) {
			consumed += book.cancel({ type: 'cancel', orderId: ids[target[i]! - 1]! }).length;
		} else {
			consumed += book.place({
				orderId: id,
				userId: id,
				side: ourSides[side[i]!]!,
				type: 'MARKET',
				quantity: qty[i]!,
				timestampMs: i
			}).length;
		}
	}
	return consumed;
}

function runTheirs({ w, ids }: PreparedWorkload): number {
	const book = new NodejsOrderBook();
	const { kind, side, price, qty, target } = w;
	let consumed = 0;
	for (let i = 0; i < w.length; i++) {
		const k = kind[i];
		if (k === OpKind.LIMIT) {
			const size = qty[i]!;
			consumed += book.limit({ id: ids[i]!, side: theirSides[side[i]!]!, size, price: price[i]! })
				.done.length;
		} else if (k === OpKind.CANCEL) {
			// An id already filled or cancelled is a no-op here, as in ours.
			consumed += book.cancel(ids[target[i]! - 1]!) === undefined ? 0 : 1;
		} else {
			consumed += book.market({ side: theirSides[side[i]!]!, size: qty[i]! }).done.length;
		}
	}
	return consumed;
}

/** Untimed pass over our core, summing the fill events. */
function ourOutcome({ w, ids }: PreparedWorkload): Outcome {
	let tradedQuantity = 0;
	const book = new OrderBook();
	for (let i = 0; i < w.length; i++) {
		const id = ids[i]!;
		const k = w.kind[i];
		const events =
			k === OpKind.CANCEL
				? book.cancel({ type: 'cancel', orderId: ids[w.target[i]! - 1]! })
				: book.place({
						orderId: id,
						userId: id,
						side: ourSides[w.side[i]!]!,
						type: k === OpKind.LIMIT ? 'LIMIT' : 'MARKET',
						priceCents: w.price[i]!,
						quantity: w.qty[i]!,
						timestampMs: i
					});
		for (const e of events) if (e.type === 'fill') tradedQuantity += e.quantity;
	}
	const problems = book.validate();
	if (problems.length > 0) throw new Error(`our book is inconsistent: ${problems.join('; ')}`);
	const { bids, asks } = book.snapshot();
	const depth = [
		...bids.map((l) => `BUY ${l.priceCents} ${l.quantity}`),
		...asks.map((l) => `SELL ${l.priceCents} ${l.quantity}`)
	];
	return { tradedQuantity, depth };
}

/**
 * Untimed pass over nodejs-order-book. Its responses do not list trades directly, so the
 * traded quantity comes from conservation: every limit share ends traded (once as maker, once
 * as taker, or against a market order), cancelled or resting.
 */
function theirOutcome({ w, ids }: PreparedWorkload): Outcome {
	const book = new NodejsOrderBook();
	let limitQuantity = 0;
	let marketTraded = 0;
	let cancelled = 0;
	for (let i = 0; i < w.length; i++) {
		const k = w.kind[i];
		const size = w.qty[i]!;
		if (k === OpKind.LIMIT) {
			limitQuantity += size;
			book.limit({ id: ids[i]!, side: theirSides[w.side[i]!]!, size, price: w.price[i]! });
		} else if (k === OpKind.CANCEL) {
			cancelled += book.cancel(ids[w.target[i]! - 1]!)?.order?.size ?? 0;
		} else {
			marketTraded += size - book.market({ side: theirSides[w.side[i]!]!, size }).quantityLeft;
		}
	}
	const [asks, bids] = book.depth();
	const resting = [...asks, ...bids].reduce((sum, [, volume]) => sum + volume, 0);
	const limitAgainstLimit = (limitQuantity - marketTraded - cancelled - resting) / 2;
	const depth = [
		...bids.map(([p, v]) => `BUY ${p} ${v}`),
		...asks.map(([p, v]) => `SELL ${p} ${v}`)
	];
	return { tradedQuantity: limitAgainstLimit + marketTraded, depth };
}

function timeOpsPerSec(ops: number, run: () => number): number {
	const started = performance.now();
	const consumed = run();
	const elapsedMs = performance.now() - started;
	if (!(consumed > 0)) throw new Error('a timed run produced nothing');
	return Math.round((ops / elapsedMs) * 1000);
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 === 1 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

export async function runMatchingBench({
	seed = 42,
	ops = 1_000_000,
	runs = 3
}: MatchingBenchOptions = {}): Promise<MatchingResult> {
	const w = generateWorkload({ seed, ops });
	const prepared: PreparedWorkload = {
		w,
		ids: Array.from({ length: ops }, (_, i) => String(i + 1))
	};

	const ours = ourOutcome(prepared);
	const theirs = theirOutcome(prepared);
	if (ours.tradedQuantity !== theirs.tradedQuantity) {
		throw new Error(
			`engines disagree: ours traded ${ours.tradedQuantity}, theirs ${theirs.tradedQuantity}`
		);
	}
	if (ours.depth.join() !== theirs.depth.join())
		throw new Error('engines end with different books');

	// Warm-up, then alternate so that neither engine always runs on a hotter or colder heap.
	runOurs(prepared);
	runTheirs(prepared);
	const ourRuns: number[] = [];
	const theirRuns: number[] = [];
	for (let r = 0; r < runs; r++) {
		ourRuns.push(timeOpsPerSec(ops, () => runOurs(prepared)));
		theirRuns.push(timeOpsPerSec(ops, () => runTheirs(prepared)));
	}
	const oursPerSec = median(ourRuns);
	const theirsPerSec = median(theirRuns);
	return {
		workload: { seed, ops, checksum: checksum(w) },
		ours: { opsPerSec: oursPerSec, runs: ourRuns },
		nodejsOrderBook: { opsPerSec: theirsPerSec, runs: theirRuns },
		ratio: Math.round((oursPerSec / theirsPerSec) * 100) / 100,
		tradedQuantity: ours.tradedQuantity,
		node: process.version,
		date: new Date().toISOString()
	};
}

/** Rows for the runner's summary table. */
export function matchingRows(result: MatchingResult): Record<string, string | number>[] {
	const row = (engine: string, figures: EngineFigures): Record<string, string | number> => ({
		engine,
		'ops/s (median)': figures.opsPerSec,
		runs: figures.runs.join(' / '),
		'traded qty': result.tradedQuantity
	});
	return [
		row('ours', result.ours),
		row('nodejs-order-book', result.nodejsOrderBook),
		{ engine: 'ratio ours ÷ theirs', 'ops/s (median)': result.ratio, runs: '', 'traded qty': '' }
	];
}
