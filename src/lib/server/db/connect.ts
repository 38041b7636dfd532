// Opens a database: one `pg` pool with explicit limits and timeouts, and a Prisma client on the
// same pool (through @prisma/adapter-pg), so raw SQL and Prisma share connections and settings.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/client';

export interface PoolSettings {
	max: number;
	statementTimeoutMs: number;
	connectTimeoutMs: number;
	idleTimeoutMs: number;
}

export const defaultPoolSettings: PoolSettings = {
	max: 10,
	statementTimeoutMs: 15_000,
	connectTimeoutMs: 5_000,
	idleTimeoutMs: 30_000
};

export interface Database {
	url: string;
	pool: pg.Pool;
	prisma: PrismaClient;
	close(): Promise<void>;
}

export function connectDatabase(url: string, settings: Partial<PoolSettings> = {}): Database {
	const { max, statementTimeoutMs, connectTimeoutMs, idleTimeoutMs } = {
		...defaultPoolSettings,
		...settings
	};
	const pool = new pg.Pool({
		connectionString: url,
		max,
		statement_timeout: statementTimeoutMs,
		idle_in_transaction_session_timeout: statementTimeoutMs * 2,
		connectionTimeoutMillis: connectTimeoutMs,
		idleTimeoutMillis: idleTimeoutMs,
		application_name: 'betwise'
	});
	// An idle client that loses its server must not crash the process; the pool replaces it.
	pool.on('error', (error) => console.error(`database pool: ${error.message}`));
	const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
	return {
		url,
		pool,
		prisma,
		async close() {
			await prisma.$disconnect();
			if (!pool.ended) await pool.end();
		}
	};
}
