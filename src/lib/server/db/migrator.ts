// Applies prisma/migrations/<timestamp>_<name>/migration.sql in order, each once, and records
// them in `_prisma_migrations` exactly as `prisma migrate deploy` does, so either tool sees them.
import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type pg from 'pg';

/** The advisory lock key `prisma migrate` itself takes, so the two never run at once. */
const MIGRATION_LOCK_KEY = 72707369;

export const defaultMigrationsDir = () => resolve(process.cwd(), 'prisma/migrations');

export interface MigrationFile {
	name: string;
	sql: string;
	checksum: string;
}

export interface MigrationReport {
	applied: string[];
	alreadyApplied: string[];
}

export class MigrationError extends Error {
	override name = 'MigrationError';
}

export async function readMigrations(dir = defaultMigrationsDir()): Promise<MigrationFile[]> {
	const entries = await readdir(dir, { withFileTypes: true });
	const names = entries
		.filter((entry) => entry.isDirectory() && /^\d{14}_[a-z0-9_]+$/.test(entry.name))
		.map((entry) => entry.name)
		.sort();
	return Promise.all(
		names.map(async (name) => {
			const sql = await readFile(join(dir, name, 'migration.sql'), 'utf8');
			return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
		})
	);
}

const createMigrationsTable = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
	migration_name: string;
	checksum: string;
	finished_at: Date | null;
	rolled_back_at: Date | null;
}

/**
 * Brings the database up to date. Refuses to go on when a recorded migration failed or its
 * file changed after it was applied: both need a person, not a retry.
 */
export async function migrate(
	client: pg.ClientBase,
	dir = defaultMigrationsDir()
): Promise<MigrationReport> {
	const files = await readMigrations(dir);
	await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
	try {
		await client.query(createMigrationsTable);
		const { rows } = await client.query<AppliedRow>(
			'SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"'
		);
		const recorded = new Map(
			rows.filter((row) => row.rolled_back_at === null).map((row) => [row.migration_name, row])
		);
		const report: MigrationReport = { applied: [], alreadyApplied: [] };
		for (const file of files) {
			const row = recorded.get(file.name);
			if (row && row.finished_at === null) {
				throw new MigrationError(
					`Migration ${file.name} started earlier but did not finish; fix the database and mark it rolled back`
				);
			}
			if (row) {
				if (row.checksum !== file.checksum) {
					throw new MigrationError(
						`Migration ${file.name} was changed after it was applied (checksum differs)`
					);
				}
				report.alreadyApplied.push(file.name);
				continue;
			}
			await applyOne(client, file);
			report.applied.push(file.name);
		}
		return report;
	} finally {
		await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
	}
}

async function applyOne(client: pg.ClientBase, file: MigrationFile): Promise<void> {
	const id = randomUUID();
	await client.query('BEGIN');
	try {
		await client.query(
			`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
			 VALUES ($1, $2, $3, now(), 0)`,
			[id, file.checksum, file.name]
		);
		await client.query(file.sql);
		await client.query(
			`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
			[id]
		);
		await client.query('COMMIT');
	} catch (error) {
		await client.query('ROLLBACK');
		const reason = error instanceof Error ? error.message : String(error);
		throw new MigrationError(`Migration ${file.name} failed: ${reason}`);
	}
}
