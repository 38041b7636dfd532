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
	// The session lock keeps two migrators apart on Postgres. PGlite serves every connection
	// from one backend session, so there each migration also re-checks its row inside its own
	// transaction (PGlite runs one transaction at a time).
	await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
	try {
		await client.query(createMigrationsTable);
		const report: MigrationReport = { applied: [], alreadyApplied: [] };
		for (const file of files) {
			const applied = await applyOne(client, file);
			(applied ? report.applied : report.alreadyApplied).push(file.name);
		}
		return report;
	} finally {
		await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
	}
}

/** Applies one migration in its own transaction; false when it was applied before. */
async function applyOne(client: pg.ClientBase, file: MigrationFile): Promise<boolean> {
	await client.query('BEGIN');
	try {
		await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
		const { rows } = await client.query<AppliedRow>(
			`SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations"
			  WHERE migration_name = $1 AND rolled_back_at IS NULL`,
			[file.name]
		);
		const row = rows[0];
		if (row && row.finished_at === null) {
			throw new MigrationError(
				`Migration ${file.name} started earlier but did not finish; fix the database and mark it rolled back`
			);
		}
		if (row && row.checksum !== file.checksum) {
			throw new MigrationError(
				`Migration ${file.name} was changed after it was applied (checksum differs)`
			);
		}
		if (row) {
			await client.query('COMMIT');
			return false;
		}
		const id = randomUUID();
		await client.query(
			`INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
			 VALUES ($1, $2, $3, now(), 0)`,
			[id, file.checksum, file.name]
		);
		try {
			await client.query(file.sql);
		} catch (error) {
			const reason = error instanceof Error ? error.message : String(error);
			throw new MigrationError(`Migration ${file.name} failed: ${reason}`);
		}
		await client.query(
			`UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
			[id]
		);
		await client.query('COMMIT');
		return true;
	} catch (error) {
		await client.query('ROLLBACK');
		throw error;
	}
}
