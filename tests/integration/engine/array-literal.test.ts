// The group write builds its array parameters itself (array-literal.ts): whatever the values, the
// database must read back exactly what was sent, for every element type the write uses.
import fc from 'fast-check';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { arrayLiteral } from '../../../src/lib/engine/local/array-literal';
import { createTestDatabase, type TestDatabase } from '../../fixtures/database';

/** Text as a trader might send it in a clientOrderId or a reason, but NUL, which Postgres refuses. */
const text = fc.oneof(
	fc.string({ unit: 'grapheme', maxLength: 12 }),
	fc.constantFrom('', 'NULL', 'null', ' a ', 'a,b', '{x}', '"', '\\', 'a"b\\c', '\t', 'bw-12')
);

describe('array literals for the group write', () => {
	let db: TestDatabase;
	let client: pg.PoolClient;
	beforeAll(async () => {
		db = await createTestDatabase({ migrate: false });
		client = await db.pool.connect();
	});
	afterAll(async () => {
		client.release();
		await db.close();
	});

	const readBack = async (literal: string, type: string) =>
		(await client.query<{ value: unknown[] }>(`SELECT $1::${type} AS value`, [literal])).rows[0]!
			.value;

	it('gives back any text, with quotes, backslashes, braces, commas, spaces and the word NULL', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.option(text, { nil: null }), { maxLength: 8 }),
				async (values) => {
					expect(await readBack(arrayLiteral(values), 'text[]')).toEqual(values);
				}
			),
			{ numRuns: 300 }
		);
	});

	it('gives back ids and amounts as bigints, including negative ones', async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(fc.option(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), { nil: null })),
				async (values) => {
					const sent = values.map((v) => (v === null ? null : v.toString()));
					expect(await readBack(arrayLiteral(sent), 'bigint[]')).toEqual(sent);
				}
			),
			{ numRuns: 100 }
		);
	});

	it('gives back integers, booleans, ids and instants', async () => {
		const ints = [0, -5, 99, 2_147_483_647, -0];
		expect(await readBack(arrayLiteral(ints), 'int[]')).toEqual([0, -5, 99, 2_147_483_647, 0]);
		expect(await readBack(arrayLiteral([true, false, null]), 'boolean[]')).toEqual([
			true,
			false,
			null
		]);
		const ids = [crypto.randomUUID(), null, crypto.randomUUID()];
		expect(await readBack(arrayLiteral(ids), 'uuid[]')).toEqual(ids);
		const instants = [new Date('2026-12-04T17:00:00.123Z'), null, new Date(0)];
		const back = (await readBack(arrayLiteral(instants), 'timestamptz[]')) as (Date | null)[];
		expect(back.map((d) => d?.getTime() ?? null)).toEqual(
			instants.map((d) => d?.getTime() ?? null)
		);
	});

	it('gives back enum values', async () => {
		await client.query(`CREATE TYPE literal_side AS ENUM ('BUY', 'SELL')`);
		const { rows } = await client.query<{ value: string[] }>(
			'SELECT $1::literal_side[]::text[] AS value',
			[arrayLiteral(['SELL', null, 'BUY'])]
		);
		expect(rows[0]!.value).toEqual(['SELL', null, 'BUY']);
	});

	it('refuses a number that is not finite rather than sending it', () => {
		expect(() => arrayLiteral([1, Number.NaN])).toThrow(/NaN/);
		expect(() => arrayLiteral([Number.POSITIVE_INFINITY])).toThrow(/Infinity/);
	});

	it('writes an empty array as {}', async () => {
		expect(arrayLiteral([])).toBe('{}');
		expect(await readBack('{}', 'uuid[]')).toEqual([]);
	});
});
