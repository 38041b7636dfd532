// Whether a database is the embedded PGlite, which serves every connection from one session.
import type pg from 'pg';

export async function isPglite(pool: Pick<pg.Pool, 'query'>): Promise<boolean> {
	const { rows } = await pool.query<{ version: string }>('SELECT version()');
	return rows[0]?.version.includes('PGlite') ?? false;
}
