// The embedded Postgres (PGlite) served over the pg wire protocol, so that the app, the engine
// service and the tests all use the same `pg` driver code as on a real Postgres.
// Plain JS with JSDoc types: server.js (production) imports it without a build step.
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { mkdirSync } from 'node:fs';
import { createServer } from 'node:net';

/** @returns {Promise<number>} a port that was free a moment ago on 127.0.0.1 */
export function findFreePort() {
	return new Promise((resolve, reject) => {
		const probe = createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const address = probe.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			probe.close(() => resolve(port));
		});
	});
}

/**
 * Opens PGlite (in `dataDir`, or in memory when it is undefined) and serves it on 127.0.0.1.
 * Only one process may open a data folder; PGlite runs one transaction at a time across all
 * its connections, which keeps transactions isolated (and serialised).
 * @param {{ dataDir?: string, port?: number, maxConnections?: number }} options
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>}
 */
export async function startEmbeddedPostgres({ dataDir, port, maxConnections = 64 } = {}) {
	if (dataDir) mkdirSync(dataDir, { recursive: true });
	const db = await PGlite.create(dataDir ? { dataDir } : {});
	const listenPort = port || (await findFreePort());
	const server = new PGLiteSocketServer({
		db,
		host: '127.0.0.1',
		port: listenPort,
		maxConnections
	});
	await server.start();
	return {
		url: `postgresql://postgres@127.0.0.1:${listenPort}/postgres?sslmode=disable`,
		port: listenPort,
		close: async () => {
			await server.stop();
			await db.close();
		}
	};
}
