// One writer queue per book per process (group commit): commands that arrive while a batch's
// transaction is in flight go together into the next one. A failed batch is retried once per
// command, so one bad command fails alone; deadlocks between books are retried.
import type pg from 'pg';
import type { FillView, OrderView } from '$lib/shared/orders';
import type { EngineErrorCode } from '../engine';
import { beginAndLockSql, runBatch, type BookCommand } from './batch';
import type { IdAllocator } from './ids';
import type { CachedBook } from './cached-book';
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
	resolve: (result: SettledResult) => void;
	reject: (error: unknown) => void;
}

/** Postgres errors worth a retry: deadlock, serialization failure, lock timeout. */
const RETRYABLE = new Set(['40P01', '40001', '55P03']);
const MAX_ATTEMPTS = 5;

export class BookWriter {
	private queue: Pending[] = [];
	private running = false;

	constructor(
		private readonly pool: pg.Pool,
		private readonly cache: CachedBook,
		private readonly ids: IdAllocator,
		private readonly maxBatch: number,
		private readonly namedStatements: () => Promise<boolean>
	) {}

	submit(command: BookCommand): Promise<SettledResult> {
		return new Promise((resolve, reject) => {
			this.queue.push({ command, resolve, reject });
			if (!this.running) void this.drain();
		});
	}

	/** Commands waiting for the next batch. */
	get queued(): number {
		return this.queue.length;
	}

	private async drain(): Promise<void> {
		this.running = true;
		try {
			while (this.queue.length > 0) {
				const batch = this.queue.splice(0, this.maxBatch);
				try {
					await this.commit(batch);
				} catch (error) {
					if (batch.length === 1) {
						batch[0]!.reject(error);
						continue;
					}
					for (const item of batch) {
						await this.commit([item]).catch((single: unknown) => item.reject(single));
					}
				}
			}
		} finally {
			this.running = false;
		}
	}

	private async commit(batch: Pending[]): Promise<void> {
		let lockBalances = false;
		// Asked before taking a connection: on the embedded database the pool has only one.
		const namedStatements = await this.namedStatements();
		for (let attempt = 1; ; attempt++) {
			const client = await this.pool.connect();
			try {
				await client.query(beginAndLockSql(this.cache.optionId));
				const outcome = await runBatch(
					client,
					this.cache,
					batch.map((item) => item.command),
					new Date(),
					{ ids: this.ids, lockBalances, namedStatements }
				);
				await client.query('COMMIT');
				// Views are taken now: the records live on in the cache and later batches change them.
				outcome.results.forEach((result, index) => {
					batch[index]!.resolve(
						result.ok
							? {
									ok: true,
									order: result.order ? toOrderView(result.order) : null,
									affected: result.affected.map(toOrderView),
									fills:
										result.order && !result.duplicate
											? fillViewsFor(result.order.id, outcome.trades)
											: [],
									duplicate: result.duplicate
								}
							: result
					);
				});
				return;
			} catch (error) {
				this.cache.invalidate();
				await client.query('ROLLBACK').catch(() => undefined);
				const { code, constraint } = error as { code?: string; constraint?: string };
				// Cash read without a lock was spent by another book meanwhile: run again, locked.
				const raced =
					code === '23514' && constraint === 'accounts_balance_cents_check' && !lockBalances;
				// Two books took the same new clientOrderId at once: the retry finds the other order.
				const sameClientId =
					code === '23505' && constraint === 'orders_user_id_client_order_id_key';
				if (raced) lockBalances = true;
				else if (sameClientId && attempt < MAX_ATTEMPTS) continue;
				else if (!(code && RETRYABLE.has(code)) || attempt >= MAX_ATTEMPTS) throw error;
			} finally {
				client.release();
			}
		}
	}
}
