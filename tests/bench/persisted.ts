// Persisted benchmark: limit orders through LocalEngine against a real Postgres, with 1, 16 and
// 64 concurrent clients across 20 books; throughput, p50/p99 latency, and the invariant check
// afterwards. Uses DATABASE_URL's server (default: the local Postgres) in a fresh database.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { LocalEngine } from '../../src/lib/engine/local';
import { connectDatabase } from '../../src/lib/server/db/connect';
import { checkInvariants } from '../../src/lib/server/db/invariants';
import { migrate } from '../../src/lib/server/db/migrator';
import { deposit, openTraderAccounts } from '../../src/lib/server/ledger/accounts';
import { PlaceOrderInput } from '../../src/lib/shared/orders';
import { mulberry32 } from './workload';

const BOOKS = Number(process.env.BENCH_BOOKS ?? 20);
const TRADERS = 64;

export interface PersistedRun {
	clients: number;
	orders: number;
	seconds: number;
	ordersPerSec: number;
	p50Ms: number;
	p99Ms: number;
	trades: number;
}

export interface PersistedResult {
	server: string;
	books: number;
	runs: PersistedRun[];
	invariants: { name: string; ok: boolean }[];
	node: string;
	date: string;
}

function percentile(sorted: number[], p: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

export async function runPersistedBench(
	plan: { clients: number; orders: number }[] = [
		{ clients: 1, orders: 1_000 },
		{ clients: 16, orders: 4_000 },
		{ clients: 64, orders: 8_000 }
	]
): Promise<PersistedResult> {
	const serverUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
	const name = `betwise_bench_${randomBytes(4).toString('hex')}`;
	const admin = new pg.Client({ connectionString: serverUrl });
	await admin.connect();
	await admin.query(`CREATE DATABASE "${name}"`);
	const url = new URL(serverUrl);
	url.pathname = `/${name}`;
	const db = connectDatabase(url.toString(), { max: 30 });
	try {
		const client = await db.pool.connect();
		await migrate(client);
		const { rows: markets } = await client.query<{ id: string }>(
			`INSERT INTO markets (id, slug, title, description, category, closes_at)
			 SELECT gen_random_uuid(), 'bench-' || i, 'Bench ' || i, 'bench', 'Bench', now() + interval '1 day'
			   FROM generate_series(1, $1::int) i RETURNING id`,
			[BOOKS / 2]
		);
		const books: { marketId: string; optionId: string }[] = [];
		for (const market of markets) {
			const { rows } = await client.query<{ id: string }>(
				`WITH o AS (INSERT INTO market_options (id, market_id, label, sort_order)
				            VALUES (gen_random_uuid(), $1, 'Yes', 0), (gen_random_uuid(), $1, 'No', 1) RETURNING id)
				 INSERT INTO books (option_id) SELECT id FROM o RETURNING option_id AS id`,
				[market.id]
			);
			for (const row of rows) books.push({ marketId: market.id, optionId: row.id });
		}
		const traders: string[] = [];
		await client.query('BEGIN');
		for (let i = 0; i < TRADERS; i++) {
			const { rows } = await client.query<{ id: string }>(
				`INSERT INTO users (id, email, display_name, password_hash) VALUES (gen_random_uuid(), $1, $1, 'x') RETURNING id`,
				[`bench${i}@bench.betwise.dev`]
			);
			await openTraderAccounts(client, rows[0]!.id);
			await deposit(client, rows[0]!.id, 10_000_000_000n, 'bench');
			traders.push(rows[0]!.id);
		}
		await client.query('COMMIT');
		client.release();

		const runs: PersistedRun[] = [];
		for (const { clients, orders } of plan) {
			const engine = new LocalEngine(db.pool, { maxBatch: 256 });
			// Seeded, so every run places the same orders.
			const rand = mulberry32(clients);
			const inputs = Array.from({ length: orders }, () => {
				const book = books[Math.floor(rand() * books.length)]!;
				return PlaceOrderInput.parse({
					marketId: book.marketId,
					optionId: book.optionId,
					side: rand() < 0.5 ? 'BUY' : 'SELL',
					priceCents: 40 + Math.floor(rand() * 21),
					quantity: 1 + Math.floor(rand() * 10)
				});
			});
			const latencies: number[] = [];
			let next = 0;
			let trades = 0;
			const started = performance.now();
			await Promise.all(
				Array.from({ length: clients }, async (_, c) => {
					const userId = traders[c % traders.length]!;
					while (next < inputs.length) {
						const input = inputs[next++]!;
						const t0 = performance.now();
						const result = await engine.place(userId, input);
						latencies.push(performance.now() - t0);
						if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
						trades += result.value.fills.length;
					}
				})
			);
			const seconds = (performance.now() - started) / 1000;
			latencies.sort((a, b) => a - b);
			runs.push({
				clients,
				orders,
				seconds: Number(seconds.toFixed(2)),
				ordersPerSec: Math.round(orders / seconds),
				p50Ms: Number(percentile(latencies, 50).toFixed(2)),
				p99Ms: Number(percentile(latencies, 99).toFixed(2)),
				trades
			});
		}
		const invariants = (await checkInvariants(db.pool)).map(({ name, ok }) => ({ name, ok }));
		return {
			server: (await db.pool.query<{ version: string }>('SELECT version()')).rows[0]!.version,
			books: BOOKS,
			runs,
			invariants,
			node: process.version,
			date: new Date().toISOString()
		};
	} finally {
		await db.close();
		await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
		await admin.end();
	}
}

export function persistedRows(result: PersistedResult) {
	return [
		...result.runs.map((run) => ({
			clients: run.clients,
			orders: run.orders,
			'orders/s': run.ordersPerSec,
			'p50 ms': run.p50Ms,
			'p99 ms': run.p99Ms,
			trades: run.trades
		})),
		{
			clients: 'invariants',
			orders: result.invariants.every((i) => i.ok) ? 'all hold' : 'BROKEN',
			'orders/s': '',
			'p50 ms': '',
			'p99 ms': '',
			trades: ''
		}
	];
}
