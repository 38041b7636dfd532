import { createHash } from 'node:crypto';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, readMigrations } from '../../src/lib/server/db/migrator';
import { createTestDatabase, type TestDatabase } from '../fixtures/database';

let db: TestDatabase;
beforeEach(async () => {
	db = await createTestDatabase({ migrate: false });
});
afterEach(async () => {
	await db.close();
});

async function runMigrate(dir?: string) {
	const client = await db.pool.connect();
	try {
		return await migrate(client, dir);
	} finally {
		client.release();
	}
}

describe('the migrator', () => {
	it('applies every migration in prisma/migrations once and records it as Prisma does', async () => {
		const files = await readMigrations();
		expect(files.length).toBeGreaterThan(0);

		const first = await runMigrate();
		expect(first.applied).toEqual(files.map((file) => file.name));

		const { rows } = await db.pool.query(
			`SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count
			   FROM "_prisma_migrations" ORDER BY migration_name`
		);
		expect(rows.map((row) => row.migration_name)).toEqual(files.map((file) => file.name));
		for (const [index, row] of rows.entries()) {
			const sql = await readFile(`prisma/migrations/${row.migration_name}/migration.sql`, 'utf8');
			expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
			expect(row.finished_at).toBeInstanceOf(Date);
			expect(row.rolled_back_at).toBeNull();
			expect(row.applied_steps_count).toBe(1);
			expect(row.migration_name).toBe(files[index]!.name);
		}
	});

	it('is idempotent: a second run applies nothing and changes nothing', async () => {
		await runMigrate();
		const before = await db.pool.query('SELECT id FROM "_prisma_migrations" ORDER BY id');
		const second = await runMigrate();
		expect(second.applied).toEqual([]);
		expect(second.alreadyApplied.length).toBe(before.rowCount);
		const after = await db.pool.query('SELECT id FROM "_prisma_migrations" ORDER BY id');
		expect(after.rows).toEqual(before.rows);
	});

	it('applies only once when two processes migrate at the same time', async () => {
		const [a, b] = await Promise.all([runMigrate(), runMigrate()]);
		expect([...a.applied, ...b.applied].sort()).toEqual(
			(await readMigrations()).map((f) => f.name)
		);
		const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM "_prisma_migrations"');
		expect(rows[0].n).toBe((await readMigrations()).length);
	});

	describe('with a copy of the migrations folder', () => {
		let dir: string;
		beforeEach(async () => {
			dir = await mkdtemp(join(tmpdir(), 'betwise-migrations-'));
			await cp('prisma/migrations', dir, { recursive: true });
		});
		afterEach(async () => {
			await rm(dir, { recursive: true, force: true });
		});

		it('applies a new migration added later, and only that one', async () => {
			await runMigrate(dir);
			await cp(join(dir, (await readMigrations(dir))[0]!.name), join(dir, '29990101000000_later'), {
				recursive: true
			});
			await writeFile(
				join(dir, '29990101000000_later', 'migration.sql'),
				'CREATE TABLE later (id int);'
			);
			const report = await runMigrate(dir);
			expect(report.applied).toEqual(['29990101000000_later']);
		});

		it('refuses to go on when an applied migration was edited afterwards', async () => {
			await runMigrate(dir);
			const first = (await readMigrations(dir))[0]!;
			await writeFile(join(dir, first.name, 'migration.sql'), `${first.sql}\n-- edited`);
			await expect(runMigrate(dir)).rejects.toThrow(/changed after it was applied/);
		});

		it('rolls back a failing migration entirely and names it', async () => {
			await runMigrate(dir);
			await cp(
				join(dir, (await readMigrations(dir))[0]!.name),
				join(dir, '29990101000000_broken'),
				{
					recursive: true
				}
			);
			await writeFile(
				join(dir, '29990101000000_broken', 'migration.sql'),
				'CREATE TABLE half_done (id int); SELECT no_such_function();'
			);
			await expect(runMigrate(dir)).rejects.toThrow(/29990101000000_broken failed/);
			const { rows } = await db.pool.query(`SELECT to_regclass('half_done') AS table_name`);
			expect(rows[0].table_name).toBeNull();
		});
	});
});
