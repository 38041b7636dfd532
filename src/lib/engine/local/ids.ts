// Ids for orders, trades and ledger journals, taken from the database's sequences in blocks, so
// a batch does not spend a round trip on them. Ids stay unique; they are not gap-free, and ids
// from two processes interleave (order by time, not by id, where order matters).
import type pg from 'pg';

const BLOCK = 2_000;

export type SequenceName = 'orders_id_seq' | 'trades_id_seq' | 'ledger_journal_seq';

export class IdAllocator {
	private readonly buffers = new Map<SequenceName, string[]>();
	private readonly refills = new Map<SequenceName, Promise<void>>();

	/**
	 * `count` fresh ids of the sequence (as decimal strings, since they are bigints). A refill
	 * runs on the caller's connection: nextval is not transactional, and on the embedded
	 * database a second connection would wait for the caller's open transaction.
	 */
	async take(client: pg.ClientBase, sequence: SequenceName, count: number): Promise<string[]> {
		if (count === 0) return [];
		let buffer = this.buffers.get(sequence) ?? [];
		while (buffer.length < count) {
			await this.refill(client, sequence, count - buffer.length);
			buffer = this.buffers.get(sequence) ?? [];
		}
		return buffer.splice(0, count);
	}

	private refill(client: pg.ClientBase, sequence: SequenceName, needed: number): Promise<void> {
		let pending = this.refills.get(sequence);
		if (!pending) {
			pending = client
				.query<{ ids: string[] }>(
					`SELECT ARRAY(SELECT nextval('${sequence}')::text FROM generate_series(1, $1::int)) AS ids`,
					[Math.max(BLOCK, needed)]
				)
				.then(({ rows }) => {
					const buffer = this.buffers.get(sequence) ?? [];
					buffer.push(...rows[0]!.ids);
					this.buffers.set(sequence, buffer);
				})
				.finally(() => this.refills.delete(sequence));
			this.refills.set(sequence, pending);
		}
		return pending;
	}
}
