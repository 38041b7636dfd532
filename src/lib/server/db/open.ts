// Opens the configured database for a command-line tool or the dev runner: DATABASE_URL when
// set; otherwise the embedded database, reusing the one a running dev server already serves
// (only one process may open its data folder).
import { connect as connectTcp } from 'node:net';
import { join } from 'node:path';
import type { Env } from '../env';
import { connectDatabase, type Database } from './connect';
import { startEmbeddedPostgres } from './embedded.js';
import { migrate, type MigrationReport } from './migrator';

function isListening(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const socket = connectTcp({ host: '127.0.0.1', port });
		socket.once('connect', () => {
			socket.destroy();
			resolve(true);
		});
		socket.once('error', () => resolve(false));
	});
}

export interface OpenedDatabase extends Database {
	/** Set when this process opened the embedded database (and serves it on that URL). */
	embedded: boolean;
	migrations: MigrationReport;
}

export async function openConfiguredDatabase(config: Env): Promise<OpenedDatabase> {
	let url = config.DATABASE_URL;
	let closeEmbedded: (() => Promise<void>) | undefined;
	if (!url) {
		const port = config.EMBEDDED_DB_PORT;
		if (await isListening(port)) {
			url = `postgresql://postgres@127.0.0.1:${port}/postgres?sslmode=disable`;
		} else {
			const server = await startEmbeddedPostgres({
				dataDir: join(config.DATA_DIR, 'pglite'),
				port
			});
			url = server.url;
			closeEmbedded = server.close;
		}
	}
	const embedded = !config.DATABASE_URL;
	const db = connectDatabase(url, {
		// pglite-socket interleaves statements that several connections send at once outside a
		// transaction (electric-sql/pglite#1046), and PGlite runs one transaction at a time
		// anyway: one connection per process loses nothing there and avoids that.
		max: embedded ? 1 : config.DB_POOL_MAX,
		statementTimeoutMs: config.DB_STATEMENT_TIMEOUT_MS,
		connectTimeoutMs: config.DB_CONNECT_TIMEOUT_MS,
		idleTimeoutMs: config.DB_IDLE_TIMEOUT_MS
	});
	const client = await db.pool.connect();
	let migrations: MigrationReport;
	try {
		migrations = await migrate(client);
	} finally {
		client.release();
	}
	return {
		...db,
		embedded: closeEmbedded !== undefined,
		migrations,
		async close() {
			await db.close();
			await closeEmbedded?.();
		}
	};
}
