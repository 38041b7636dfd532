// The migrated database must say exactly what prisma/schema.prisma says: tables, columns, types,
// nullability, defaults, enums, keys, unique and plain indexes, and foreign keys.
import wasm from '@prisma/prisma-schema-wasm';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../fixtures/database';

interface DmmfField {
	name: string;
	dbName?: string | null;
	kind: 'scalar' | 'enum' | 'object';
	type: string;
	isRequired: boolean;
	isList: boolean;
	isUnique: boolean;
	isId: boolean;
	hasDefaultValue: boolean;
	default?: { name: string } | unknown;
	nativeType?: [string, string[]] | null;
	relationFromFields?: string[];
	relationToFields?: string[];
	relationOnDelete?: string;
}
interface DmmfModel {
	name: string;
	dbName: string | null;
	fields: DmmfField[];
	primaryKey: { fields: string[] } | null;
	uniqueIndexes: { fields: string[] }[];
}
interface DmmfIndex {
	model: string;
	type: 'id' | 'normal' | 'unique' | 'fulltext';
	fields: { name: string }[];
}
interface Dmmf {
	datamodel: {
		models: DmmfModel[];
		enums: { name: string; values: { name: string }[] }[];
		indexes: DmmfIndex[];
	};
}

const dmmf = JSON.parse(
	wasm.get_dmmf(
		JSON.stringify({
			prismaSchema: [['schema.prisma', readFileSync('prisma/schema.prisma', 'utf8')]]
		})
	)
) as Dmmf;

/** Objects that schema.prisma cannot express and the migration adds on purpose. */
const sqlOnlyIndexes = new Set([
	'accounts(kind) unique partial',
	'orders(option_id,priority) plain partial',
	'orders(expires_at) plain partial',
	'events(option_id,book_seq) plain partial',
	'events(user_id,id) plain partial'
]);

/**
 * Relations schema.prisma declares (so that Prisma can join them) whose foreign keys the
 * migrations drop on purpose: the tables each order writes, where a key's row lock on its parent
 * costs more than the write (see the hot_path_foreign_keys migration). db:check checks them.
 */
const droppedForeignKeys = new Set([
	'ledger_entries(account_id) -> accounts(id) on delete Restrict',
	'orders(market_id) -> markets(id) on delete Restrict',
	'orders(option_id) -> market_options(id) on delete Restrict',
	'orders(user_id) -> users(id) on delete Restrict',
	'positions(option_id) -> market_options(id) on delete Restrict',
	'positions(user_id) -> users(id) on delete Restrict',
	'trades(market_id) -> markets(id) on delete Restrict',
	'trades(option_id) -> market_options(id) on delete Restrict'
]);

/**
 * Columns schema.prisma declares as `Unsupported(...)`: Prisma's DMMF leaves them out, so they
 * are listed here as the migration makes them.
 */
const unsupportedColumns = ['events.xid xid8 not null default'];

const models = dmmf.datamodel.models;
const tableOf = (model: DmmfModel) => model.dbName ?? model.name;
const modelByName = new Map(models.map((model) => [model.name, model]));
const columnOf = (model: DmmfModel, fieldName: string) => {
	const field = model.fields.find((f) => f.name === fieldName);
	return field?.dbName ?? fieldName;
};

function expectedType(field: DmmfField): string {
	if (field.kind === 'enum') return field.type;
	const native = field.nativeType?.[0];
	switch (field.type) {
		case 'String':
			return native === 'Uuid' ? 'uuid' : 'text';
		case 'Int':
			return 'int4';
		case 'BigInt':
			return 'int8';
		case 'Boolean':
			return 'bool';
		case 'Json':
			return native === 'Json' ? 'json' : 'jsonb';
		case 'DateTime':
			return native === 'Timestamptz'
				? `timestamptz(${field.nativeType?.[1][0] ?? 6})`
				: 'timestamp(3)';
		default:
			throw new Error(`No Postgres type known for Prisma type ${field.type}`);
	}
}

/** Prisma fills uuid() and cuid() in the client; every other @default lives in the database. */
function expectsDatabaseDefault(field: DmmfField): boolean {
	if (!field.hasDefaultValue) return false;
	const fn = (field.default as { name?: string } | undefined)?.name;
	return fn !== 'uuid' && fn !== 'cuid';
}

let db: TestDatabase;
beforeAll(async () => {
	db = await createTestDatabase();
});
afterAll(async () => {
	await db.close();
});

async function query<T>(sql: string): Promise<T[]> {
	return (await db.pool.query(sql)).rows as T[];
}

describe('the migrated database', () => {
	it('has exactly the tables of schema.prisma', async () => {
		const rows = await query<{ table_name: string }>(
			`SELECT table_name FROM information_schema.tables
			  WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> '_prisma_migrations'`
		);
		expect(rows.map((row) => row.table_name).sort()).toEqual(models.map(tableOf).sort());
	});

	it('has every column with its type, nullability and default, and no other', async () => {
		const rows = await query<{
			table_name: string;
			column_name: string;
			udt_name: string;
			datetime_precision: number | null;
			is_nullable: 'YES' | 'NO';
			column_default: string | null;
		}>(
			`SELECT table_name, column_name, udt_name, datetime_precision, is_nullable, column_default
			   FROM information_schema.columns WHERE table_schema = current_schema() AND table_name <> '_prisma_migrations'`
		);
		const actual = rows
			.map((row) => {
				const type =
					row.udt_name === 'timestamptz' ? `timestamptz(${row.datetime_precision})` : row.udt_name;
				return `${row.table_name}.${row.column_name} ${type} ${row.is_nullable === 'YES' ? 'null' : 'not null'} ${row.column_default === null ? 'no default' : 'default'}`;
			})
			.sort();
		const expected = models
			.flatMap((model) =>
				model.fields
					.filter((field) => field.kind !== 'object')
					.map(
						(field) =>
							`${tableOf(model)}.${field.dbName ?? field.name} ${expectedType(field)} ${field.isRequired ? 'not null' : 'null'} ${expectsDatabaseDefault(field) ? 'default' : 'no default'}`
					)
			)
			.concat(unsupportedColumns)
			.sort();
		expect(actual).toEqual(expected);
	});

	it('has every enum with the same values in the same order', async () => {
		const rows = await query<{ name: string; values: string[] }>(
			`SELECT t.typname AS name, array_agg(e.enumlabel ORDER BY e.enumsortorder)::text[] AS values
			   FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
			   JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = current_schema()
			  GROUP BY t.typname`
		);
		const actual = rows.map((row) => `${row.name}: ${row.values.join(',')}`).sort();
		const expected = dmmf.datamodel.enums
			.map((e) => `${e.name}: ${e.values.map((v) => v.name).join(',')}`)
			.sort();
		expect(actual).toEqual(expected);
	});

	it('has the same primary keys, unique indexes and plain indexes', async () => {
		const rows = await query<{
			table_name: string;
			columns: string[];
			primary: boolean;
			unique: boolean;
			partial: boolean;
		}>(
			`SELECT c.relname AS table_name,
			        array(SELECT a.attname FROM unnest(i.indkey) WITH ORDINALITY k(attnum, ord)
			              JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns,
			        i.indisprimary AS primary, i.indisunique AS unique, i.indpred IS NOT NULL AS partial
			   FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid
			   JOIN pg_namespace n ON n.oid = c.relnamespace
			  WHERE n.nspname = current_schema() AND c.relname <> '_prisma_migrations'`
		);
		const describeIndex = (table: string, columns: string[], kind: string) =>
			`${table}(${columns.join(',')}) ${kind}`;
		const actual = rows
			.map((row) =>
				describeIndex(
					row.table_name,
					row.columns,
					row.primary
						? 'primary'
						: `${row.unique ? 'unique' : 'plain'}${row.partial ? ' partial' : ''}`
				)
			)
			.filter((index) => !sqlOnlyIndexes.has(index))
			.sort();
		const expected = dmmf.datamodel.indexes
			.map((index) => {
				const model = modelByName.get(index.model)!;
				const columns = index.fields.map((field) => columnOf(model, field.name));
				const kind = index.type === 'id' ? 'primary' : index.type === 'unique' ? 'unique' : 'plain';
				return describeIndex(tableOf(model), columns, kind);
			})
			.sort();
		expect(actual).toEqual(expected);
	});

	it('has the same foreign keys with the same delete rules', async () => {
		const rows = await query<{
			table_name: string;
			columns: string[];
			ref_table: string;
			ref_columns: string[];
			on_delete: string;
		}>(
			`SELECT c.relname AS table_name, rc.relname AS ref_table,
			        array(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(attnum, ord)
			              JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS columns,
			        array(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(attnum, ord)
			              JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS ref_columns,
			        CASE con.confdeltype WHEN 'c' THEN 'Cascade' WHEN 'r' THEN 'Restrict' WHEN 'n' THEN 'SetNull'
			             WHEN 'a' THEN 'NoAction' WHEN 'd' THEN 'SetDefault' END AS on_delete
			   FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_class rc ON rc.oid = con.confrelid
			   JOIN pg_namespace n ON n.oid = c.relnamespace
			  WHERE con.contype = 'f' AND n.nspname = current_schema()`
		);
		const actual = rows
			.map(
				(row) =>
					`${row.table_name}(${row.columns.join(',')}) -> ${row.ref_table}(${row.ref_columns.join(',')}) on delete ${row.on_delete}`
			)
			.sort();
		const expected = models
			.flatMap((model) =>
				model.fields
					.filter((field) => field.kind === 'object' && field.relationFromFields?.length)
					.map((field) => {
						const target = modelByName.get(field.type)!;
						const from = field.relationFromFields!.map((name) => columnOf(model, name));
						const to = field.relationToFields!.map((name) => columnOf(target, name));
						const onDelete = field.relationOnDelete ?? (field.isRequired ? 'Restrict' : 'SetNull');
						return `${tableOf(model)}(${from.join(',')}) -> ${tableOf(target)}(${to.join(',')}) on delete ${onDelete}`;
					})
			)
			.filter((key) => !droppedForeignKeys.has(key))
			.sort();
		expect(actual).toEqual(expected);
	});

	it('keeps every relation whose foreign key it drops in schema.prisma', () => {
		const declared = models.flatMap((model) =>
			model.fields
				.filter((field) => field.kind === 'object' && field.relationFromFields?.length)
				.map(
					(field) =>
						`${tableOf(model)}(${field.relationFromFields!.map((name) => columnOf(model, name)).join(',')})`
				)
		);
		for (const key of droppedForeignKeys) expect(declared).toContain(key.split(' -> ')[0]);
	});

	it('refuses to delete the users, markets, options and accounts that rows refer to', async () => {
		const { rows } = await db.pool.query<{ id: string }>(
			`INSERT INTO users (id, email, display_name, password_hash)
			 VALUES (gen_random_uuid(), 'kept@test.betwise.dev', 'Kept', 'x') RETURNING id`
		);
		await db.pool.query(
			`WITH m AS (INSERT INTO markets (id, slug, title, description, category, closes_at)
			            VALUES (gen_random_uuid(), 'kept', 'Kept', 'kept', 'Test', now() + interval '1 day')
			            RETURNING id)
			 INSERT INTO market_options (id, market_id, label, sort_order)
			 SELECT gen_random_uuid(), id, 'Yes', 0 FROM m`
		);
		await expect(db.pool.query(`DELETE FROM users WHERE id = $1`, [rows[0]!.id])).rejects.toThrow(
			/rows of users are never deleted/
		);
		for (const table of ['markets', 'market_options', 'accounts']) {
			await expect(db.pool.query(`DELETE FROM ${table}`)).rejects.toThrow(
				new RegExp(`rows of ${table} are never deleted`)
			);
		}
	});

	it('refuses changes to the append-only ledger and audit tables', async () => {
		await db.pool.query(
			`INSERT INTO flag_audit (scope_key, action, actor_id, reason) VALUES ('global', 'SET', gen_random_uuid(), 'test')`
		);
		await expect(db.pool.query(`UPDATE flag_audit SET reason = 'rewritten'`)).rejects.toThrow(
			/append-only/
		);
		await expect(db.pool.query(`DELETE FROM flag_audit`)).rejects.toThrow(/append-only/);
		await db.pool.query(
			`WITH u AS (INSERT INTO users (id, email, display_name, password_hash)
			            VALUES (gen_random_uuid(), 'audited@test.betwise.dev', 'Audited', 'x') RETURNING id)
			 INSERT INTO account_audit (user_id, actor_id, action, detail)
			 SELECT id, id, 'SESSIONS_REVOKED', '{"revoked": 1, "apiKeys": 0}' FROM u`
		);
		await expect(
			db.pool.query(`UPDATE account_audit SET client_address = '203.0.113.9'`)
		).rejects.toThrow(/append-only/);
		await expect(db.pool.query(`DELETE FROM account_audit`)).rejects.toThrow(/append-only/);
	});

	it('enforces the price and quantity ranges that Postgres can check', async () => {
		const constraints = await query<{ conname: string }>(
			`SELECT conname FROM pg_constraint WHERE contype = 'c' AND conname IN
			   ('orders_price_cents_check', 'orders_quantity_check', 'trades_price_cents_check', 'trades_quantity_check',
			    'accounts_balance_cents_check', 'orders_filled_quantity_check')`
		);
		expect(constraints.map((c) => c.conname).sort()).toEqual([
			'accounts_balance_cents_check',
			'orders_filled_quantity_check',
			'orders_price_cents_check',
			'orders_quantity_check',
			'trades_price_cents_check',
			'trades_quantity_check'
		]);
	});
});
