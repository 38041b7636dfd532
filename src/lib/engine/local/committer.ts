// Group commit for every book of one process: commands wait in one queue per book, and each
// transaction takes everything waiting, across books, up to a limit: one advisory lock per
// book, one read of the books' state, one set-based write, one COMMIT. A few transactions may
// be in flight at once, each over books the others do not hold. A failed group is retried book
// by book, and a failed book command by command, so one bad command fails alone; deadlocks
// and serialization failures are retried.
import type pg from 'pg';
import type { FillView, OrderView } from '$lib/shared/orders';
import type { EngineErrorCode } from '../engine';
import { runGroup, type BookCommand, type GroupTimes } from './batch';
import type { CachedBook } from './cached-book';
import type { IdAllocator } from './ids';
import { setPipelining } from './pipeline';
import { fillViewsFor, toOrderView } from './records';

export type SettledResult =
	| {
			ok: true;
			order: OrderView | null;
			affected: OrderView[];
			fills: FillView[];
			duplicate: boolean;
	  }
	| { ok: false; code: EngineErrorCode; message: string };

interface Pending {
	command: BookCommand;
	/** Arrival number: a transaction runs its commands in this order, whatever their book. */
	arrival: number;
	resolve: (result: SettledResult) => void;
	reject: (error: unknown) => void;
}

/** One book's commands in a group. */
interface Share {
	cache: CachedBook;
	items: Pending[];
}

/** What a committer has committed since it started, with where the transactions' time went. */
export interface CommitStats {
	transactions: number;
	/** Commands the committed transactions carried. */
	commands: number;
	/** Milliseconds summed over the committed transactions: BEGIN, the books' locks and reads... */
	readMs: number;
	/** ...matching in memory and building the write... */
	matchMs: number;
	/** ...and the write with COMMIT. */
	writeMs: number;
}

/** Postgres errors worth a retry: deadlock, serialization failure, lock timeout. */
const RETRYABLE = new Set(['40P01', '40001', '55P03']);
const MAX_ATTEMPTS = 5;

export interface CommitterOptions {
	/** Most commands in one transaction. */
	maxBatch: number;
	/** Most transactions in flight at once. */
	maxInFlight: number;
	/** Fewest commands a transaction takes while another one is being written. */
	minConcurrentBatch: number;
	/** Whether statements may be prepared by name (not on the embedded database). */
	namedStatements: () => Promise<boolean>;
}

export class GroupCommitter {
	/** Waiting commands per book, in the order the books first had one waiting. */
	private readonly waiting = new Map<CachedBook, Pending[]>();
	/** Books in a transaction now: their next commands wait for it. */
	private readonly busy = new Set<CachedBook>();
	private inFlight = 0;
	/** Transactions being written now (a runner between two groups is in flight, not settling). */
	private settling = 0;
	private arrivals = 0;
	private readonly totals: CommitStats = {
		transactions: 0,
		commands: 0,
		readMs: 0,
		matchMs: 0,
		writeMs: 0
	};

	constructor(
		private readonly pool: pg.Pool,
		private readonly ids: IdAllocator,
		private readonly options: CommitterOptions
	) {}

	stats(): CommitStats {
		return { ...this.totals };
	}

	submit(cache: CachedBook, command: BookCommand): Promise<SettledResult> {
		return new Promise((resolve, reject) => {
			const pending = { command, arrival: this.arrivals++, resolve, reject };
			const queue = this.waiting.get(cache);
			if (queue) queue.push(pending);
			else this.waiting.set(cache, [pending]);
			this.start();
		});
	}

	private start(): void {
		while (this.inFlight < this.options.maxInFlight && this.mayStart()) {
			this.inFlight++;
			void this.run().finally(() => {
				this.inFlight--;
				this.start();
			});
		}
	}

	/**
	 * Whether a transaction may start now: always when none is being written, and beside one
	 * only for a group of at least minConcurrentBatch commands. A second transaction for the few
	 * commands that came in meanwhile would cost as much as a full one and leave the next group
	 * smaller; those commands wait for the running one to finish and go in the next, fuller group.
	 */
	private mayStart(): boolean {
		const ready = this.ready();
		return ready > 0 && (this.settling === 0 || ready >= this.options.minConcurrentBatch);
	}

	private async run(): Promise<void> {
		for (;;) {
			// Waits out the current turn of the event loop: what arrives in it joins this group.
			await new Promise((resolve) => setImmediate(resolve));
			if (!this.mayStart()) return;
			const group = this.take();
			this.settling++;
			try {
				await this.settle(group);
			} finally {
				this.settling--;
				for (const share of group) this.busy.delete(share.cache);
			}
		}
	}

	/** Commands waiting on books no transaction holds. */
	private ready(): number {
		let ready = 0;
		for (const [cache, queue] of this.waiting) if (!this.busy.has(cache)) ready += queue.length;
		return ready;
	}

	/**
	 * Takes the waiting commands of books no transaction holds, oldest first: up to maxBatch, and
	 * with transactions free to start beside this one, only this one's share of them. Closed-loop
	 * clients all come back when a transaction commits; taken whole, they would make one group
	 * after another, each written by one database connection while the other cores sit idle.
	 * Shared out, two groups are written at once. No share is smaller than minConcurrentBatch.
	 */
	private take(): Share[] {
		const group: Share[] = [];
		const ready = this.ready();
		const { maxBatch, maxInFlight, minConcurrentBatch } = this.options;
		const shares = Math.max(
			1,
			Math.min(maxInFlight - this.settling, Math.floor(ready / minConcurrentBatch))
		);
		let room = Math.min(maxBatch, Math.ceil(ready / shares));
		for (const [cache, queue] of this.waiting) {
			if (room === 0) break;
			if (this.busy.has(cache)) continue;
			const items = queue.splice(0, room);
			if (queue.length === 0) this.waiting.delete(cache);
			room -= items.length;
			this.busy.add(cache);
			group.push({ cache, items });
		}
		return group;
	}

	/** Commits the group; if it fails, each book alone, and then each command alone. */
	private async settle(group: Share[]): Promise<void> {
		try {
			await this.commit(group);
		} catch (error) {
			if (group.length > 1) {
				for (const share of group) await this.settle([share]);
				return;
			}
			const [{ cache, items }] = group as [Share];
			if (items.length === 1) {
				items[0]!.reject(error);
				return;
			}
			for (const item of items) {
				await this.commit([{ cache, items: [item] }]).catch((single: unknown) =>
					item.reject(single)
				);
			}
		}
	}

	private count(books: { commands: unknown[] }[], began: number, times: GroupTimes) {
		const totals = this.totals;
		totals.transactions++;
		totals.commands += books.reduce((sum, book) => sum + book.commands.length, 0);
		totals.readMs += times.read - began;
		totals.matchMs += times.matched - times.read;
		totals.writeMs += times.committed - times.matched;
	}

	private async commit(group: Share[]): Promise<void> {
		let lockBalances = false;
		// Asked before taking a connection: on the embedded database the pool has only one.
		const namedStatements = await this.options.namedStatements();
		const books = group.map(({ cache, items }) => ({
			cache,
			commands: items.map((item) => item.command),
			arrivals: items.map((item) => item.arrival)
		}));
		for (let attempt = 1; ; attempt++) {
			const client = await this.pool.connect();
			// Not on the embedded database, whose one session serves every connection.
			setPipelining(client, namedStatements);
			try {
				const began = performance.now();
				const { outcomes, times } = await runGroup(client, books, new Date(), {
					ids: this.ids,
					lockBalances,
					namedStatements
				});
				this.count(books, began, times);
				// Views are taken now: the records live on in the cache and later batches change them.
				outcomes.forEach(({ results, trades }, book) => {
					results.forEach((result, index) => {
						group[book]!.items[index]!.resolve(
							result.ok
								? {
										ok: true,
										order: result.order ? toOrderView(result.order) : null,
										affected: result.affected.map(toOrderView),
										fills:
											result.order && !result.duplicate
												? fillViewsFor(result.order.id, trades)
												: [],
										duplicate: result.duplicate
									}
								: result
						);
					});
				});
				return;
			} catch (error) {
				for (const { cache } of group) cache.invalidate();
				await client.query('ROLLBACK').catch(() => undefined);
				const { code, constraint } = error as { code?: string; constraint?: string };
				// Cash read without a lock was spent by another transaction meanwhile: run again, locked.
				const raced =
					code === '23514' && constraint === 'accounts_balance_cents_check' && !lockBalances;
				// Two transactions took the same new clientOrderId at once: the retry finds the other order.
				const sameClientId =
					code === '23505' && constraint === 'orders_user_id_client_order_id_key';
				if (raced) lockBalances = true;
				else if (sameClientId && attempt < MAX_ATTEMPTS) continue;
				else if (!(code && RETRYABLE.has(code)) || attempt >= MAX_ATTEMPTS) throw error;
			} finally {
				setPipelining(client, false);
				client.release();
			}
		}
	}
}
