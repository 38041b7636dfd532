// A group commit's statements go out in two round trips on a pipelining connection: inOrder sends
// every query before the first answer arrives, returns the answers in order, and on a failure
// names the statement that failed and leaves nothing in flight, so ROLLBACK and release are safe.
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inOrder, setPipelining } from '../../../src/lib/engine/local/pipeline';
import { createTestDatabase, type TestDatabase } from '../../fixtures/database';

/** Stands for a connection: records what was sent, and answers only when the test says so. */
class RecordingClient {
	pipeline = false;
	readonly sent: string[] = [];
	private readonly answers: (() => void)[] = [];

	query(text: string): Promise<string> {
		this.sent.push(text);
		return new Promise((resolve) => this.answers.push(() => resolve(`answer to ${text}`)));
	}

	/** Answers the oldest query not yet answered. */
	answer(): void {
		this.answers.shift()!();
	}
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('inOrder on a stand-in connection', () => {
	it('sends every query at once when the connection pipelines', async () => {
		const client = new RecordingClient();
		client.pipeline = true;
		const c = client as unknown as pg.ClientBase & RecordingClient;
		const running = inOrder(c, [() => client.query('A'), () => client.query('B')] as const);
		await settle();
		expect(client.sent).toEqual(['A', 'B']);
		client.answer();
		client.answer();
		await expect(running).resolves.toEqual(['answer to A', 'answer to B']);
	});

	it('sends each query after the answer to the one before when it does not', async () => {
		const client = new RecordingClient();
		const c = client as unknown as pg.ClientBase & RecordingClient;
		const running = inOrder(c, [() => client.query('A'), () => client.query('B')] as const);
		await settle();
		expect(client.sent).toEqual(['A']);
		client.answer();
		await settle();
		expect(client.sent).toEqual(['A', 'B']);
		client.answer();
		await expect(running).resolves.toEqual(['answer to A', 'answer to B']);
	});
});

describe('inOrder on a real connection', () => {
	let db: TestDatabase;
	let client: pg.PoolClient;
	beforeAll(async () => {
		db = await createTestDatabase({ migrate: false });
		client = await db.pool.connect();
		await client.query('CREATE TABLE pipelined (id int PRIMARY KEY)');
	});
	afterAll(async () => {
		client.release();
		await db.close();
	});

	for (const pipelining of [true, false]) {
		const mode = pipelining ? 'pipelined' : 'one at a time';

		it(`commits a transaction and returns each answer in order (${mode})`, async () => {
			setPipelining(client, pipelining);
			try {
				const [, inserted, , counted] = await inOrder(client, [
					() => client.query('BEGIN'),
					() => client.query('INSERT INTO pipelined VALUES (1), (2) RETURNING id'),
					() => client.query('COMMIT'),
					() => client.query<{ n: number }>('SELECT count(*)::int AS n FROM pipelined')
				] as const);
				expect(inserted.rows.map((row: { id: number }) => row.id)).toEqual([1, 2]);
				expect(counted.rows[0]!.n).toBe(2);
			} finally {
				await client.query('TRUNCATE pipelined');
				setPipelining(client, false);
			}
		});

		it(`throws the statement that failed, not the ones after it, and keeps nothing (${mode})`, async () => {
			setPipelining(client, pipelining);
			try {
				const failing = inOrder(client, [
					() => client.query('BEGIN'),
					() => client.query('INSERT INTO pipelined VALUES (3)'),
					() => client.query('INSERT INTO pipelined VALUES (3)'),
					() => client.query('INSERT INTO pipelined VALUES (4)'),
					() => client.query('COMMIT')
				] as const);
				await expect(failing).rejects.toMatchObject({ code: '23505' });
				// Nothing is in flight: the rollback is the next answer, and the connection is idle after.
				await client.query('ROLLBACK');
				const { rows } = await client.query<{ n: number }>(
					'SELECT count(*)::int AS n FROM pipelined'
				);
				expect(rows[0]!.n).toBe(0);
				expect(
					(client as pg.PoolClient & { getTransactionStatus(): string }).getTransactionStatus()
				).toBe('I');
			} finally {
				setPipelining(client, false);
			}
		});
	}

	it('writes the statements sent together in one socket write', async () => {
		const stream = (client as unknown as { connection: { stream: import('node:net').Socket } })
			.connection.stream;
		const writes: number[] = [];
		const write = stream._write.bind(stream);
		const writev = stream._writev!.bind(stream);
		stream._write = (chunk, encoding, done) => {
			writes.push(1);
			write(chunk, encoding, done);
		};
		stream._writev = (chunks, done) => {
			writes.push(chunks.length);
			writev(chunks, done);
		};
		setPipelining(client, true);
		try {
			await inOrder(client, [
				() => client.query('BEGIN'),
				() => client.query('SELECT $1::int AS value', [1]),
				() => client.query('INSERT INTO pipelined VALUES ($1)', [5]),
				() => client.query('ROLLBACK')
			] as const);
			// One write of every message: BEGIN, then Parse/Bind/Describe/Execute/Sync twice, ROLLBACK.
			expect(writes).toEqual([12]);
		} finally {
			delete (stream as Partial<typeof stream>)._write;
			delete (stream as Partial<typeof stream>)._writev;
			setPipelining(client, false);
		}
	});

	it('prepares a named statement again after the transaction it was first sent in failed', async () => {
		setPipelining(client, true);
		const named = (value: number) =>
			client.query<{ value: number }>({
				name: 'pipeline_test_named',
				text: 'SELECT $1::int AS value',
				values: [value]
			});
		try {
			// The named statement's first Parse arrives in an aborted transaction and is refused.
			await expect(
				inOrder(client, [
					() => client.query('BEGIN'),
					() => client.query('SELECT 1 / 0'),
					() => named(1)
				] as const)
			).rejects.toMatchObject({ code: '22012' });
			await client.query('ROLLBACK');
			const [{ rows }] = await inOrder(client, [() => named(2)] as const);
			expect(rows[0]!.value).toBe(2);
		} finally {
			setPipelining(client, false);
		}
	});
});
