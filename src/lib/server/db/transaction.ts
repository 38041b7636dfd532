// One transaction on a pooled connection of its own, for the admin changes that are one unit
// each (a market's lifecycle step, a cash adjustment): BEGIN, the work, then COMMIT, or ROLLBACK
// when the work throws or its result says it refused.
import type pg from 'pg';

export async function inTransaction<T>(
	pool: pg.Pool,
	work: (client: pg.PoolClient) => Promise<T>,
	/** Whether to commit what the work returned; a refusal that wrote nothing may still commit. */
	commits: (result: T) => boolean = () => true
): Promise<T> {
	const client = await pool.connect();
	try {
		await client.query('BEGIN');
		const result = await work(client);
		await client.query(commits(result) ? 'COMMIT' : 'ROLLBACK');
		return result;
	} catch (error) {
		await client.query('ROLLBACK').catch(() => undefined);
		throw error;
	} finally {
		client.release();
	}
}
