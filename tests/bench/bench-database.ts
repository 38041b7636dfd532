// A fresh database on the real Postgres for a benchmark (DATABASE_URL's server, default the
// local one), with books across two-option markets and funded traders, dropped afterwards;
// plus the seeded order flow and latency figures the persisted benchmarks share.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import pg from 'pg';
import { connectDatabase, type Database } from '../../src/lib/server/db/connect';
import { migrate } from '../../src/lib/server/db/migrator';
import { deposit, openTraderAccounts } from '../../src/lib/server/ledger/accounts';
import { PlaceOrderInput } from '../../src/lib/shared/orders';
import type { CommitStats } from '../../src/lib/engine/local/committer';
import { mulberry32 } from './workload';

export interface BenchDatabase {
	db: Database;
	books: { marketId: string; optionId: string }[];
	traders: string[];
	close(): Promise<void>;
}

export async function createBenchDatabase(
	bookCount: number,
	traderCount: number
): Promise<BenchDatabase> {
	const serverUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
	const name = `betwise_bench_${randomBytes(4).toString('hex')}`;
	const admin = new pg.Client({ connectionString: serverUrl });
	await admin.connect();
	await admin.query(`CREATE DATABASE "${name}"`);
	const url = new URL(serverUrl);
	url.pathname = `/${name}`;
	const db = connectDatabase(url.toString(), { max: 30 });
	const close = async () => {
		await db.close();
		await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
		await admin.end();
	};
	try {
		const client = await db.pool.connect();
		await migrate(client);
		const { rows: markets } = await client.query<{ id: string }>(
			`INSERT INTO markets (id, slug, title, description, category, closes_at)
			 SELECT gen_random_uuid(), 'bench-' || i, 'Bench ' || i, 'bench', 'Bench', now() + interval '1 day'
			   FROM generate_series(1, $1::int) i RETURNING id`,
			[Math.ceil(bookCount / 2)]
		);
		const books: BenchDatabase['books'] = [];
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
		for (let i = 0; i < traderCount; i++) {
			const { rows } = await client.query<{ id: string }>(
				`INSERT INTO users (id, email, display_name, password_hash) VALUES (gen_random_uuid(), $1, $1, 'x') RETURNING id`,
				[`bench${i}@bench.betwise.dev`]
			);
			await openTraderAccounts(client, rows[0]!.id);
			await deposit(client, rows[0]!.id, 10_000_000_000n, 'bench');
			traders.push(rows[0]!.id);
		}
		await client.query('COMMIT');
		await addOrderHistory(client, books.slice(0, bookCount), traders);
		client.release();
		return { db, books: books.slice(0, bookCount), traders, close };
	} catch (error) {
		await close();
		throw error;
	}
}

/** Orders in the history of a running exchange (finished, holding nothing) for each run to find. */
const HISTORY_ORDERS = Number(process.env.BENCH_HISTORY_ORDERS ?? 100_000);

/**
 * Gives the database the order history and the planner statistics of an exchange that has been
 * running: a fresh, never analysed table makes Postgres plan the batch writes for a few hundred
 * rows, and those plans stay cached on each connection while the table grows under the run.
 */
async function addOrderHistory(
	client: pg.PoolClient,
	books: BenchDatabase['books'],
	traders: string[]
): Promise<void> {
	await client.query(
		`INSERT INTO orders (user_id, market_id, option_id, client_order_id, side, type, time_in_force,
		        price_cents, quantity, status, engine, created_at, updated_at)
		 SELECT ($1::uuid[])[1 + i % cardinality($1::uuid[])],
		        ($2::uuid[])[1 + i % cardinality($2::uuid[])],
		        ($3::uuid[])[1 + i % cardinality($3::uuid[])],
		        'history-' || i, CASE WHEN i % 2 = 0 THEN 'BUY' ELSE 'SELL' END::"Side", 'LIMIT', 'GTC',
		        1 + i % 99, 1 + i % 10, 'CANCELLED', 'local',
		        now() - interval '1 day', now() - interval '1 day'
		   FROM generate_series(1, $4::int) i`,
		[
			traders,
			books.map((book) => book.marketId),
			books.map((book) => book.optionId),
			HISTORY_ORDERS
		]
	);
	await client.query('ANALYZE');
}

/** The same limit orders for the same seed: prices 40–60¢ on both sides, 1–10 shares. */
export function limitOrderFlow(books: BenchDatabase['books'], count: number, seed: number) {
	const rand = mulberry32(seed);
	return Array.from({ length: count }, () => {
		const book = books[Math.floor(rand() * books.length)]!;
		return PlaceOrderInput.parse({
			marketId: book.marketId,
			optionId: book.optionId,
			side: rand() < 0.5 ? 'BUY' : 'SELL',
			priceCents: 40 + Math.floor(rand() * 21),
			quantity: 1 + Math.floor(rand() * 10)
		});
	});
}

export interface LoadFigures {
	clients: number;
	orders: number;
	seconds: number;
	ordersPerSec: number;
	p50Ms: number;
	p99Ms: number;
}

/** A run's group commits: how many, their average size, and each step's average time (ms). */
export interface CommitFigures {
	transactions: number;
	ordersPerTransaction: number;
	readMs: number;
	matchMs: number;
	writeMs: number;
}

/** What the engine committed between two of its commitStats(). */
export function commitFigures(before: CommitStats, after: CommitStats): CommitFigures {
	const transactions = after.transactions - before.transactions;
	const average = (ms: number) => Number((ms / Math.max(transactions, 1)).toFixed(2));
	return {
		transactions,
		ordersPerTransaction: average(after.commands - before.commands),
		readMs: average(after.readMs - before.readMs),
		matchMs: average(after.matchMs - before.matchMs),
		writeMs: average(after.writeMs - before.writeMs)
	};
}

/** The columns a table prints for them. */
export function commitColumns(figures: CommitFigures) {
	return {
		'orders/txn': figures.ordersPerTransaction,
		'txn ms: read/match/write': `${figures.readMs} / ${figures.matchMs} / ${figures.writeMs}`
	};
}

/** CPU a run took: one process's, and the whole machine's (all its processes, the database's too). */
export interface CpuFigures {
	/** This process's CPU per order, µs. */
	processUsPerOrder: number;
	/** All cores' busy time per order, µs; null where the system does not tell (no /proc/stat). */
	machineUsPerOrder: number | null;
	/** How busy the machine's cores were, on average, in percent; null as above. */
	machineBusyPercent: number | null;
}

/** The machine's CPU time so far, in clock ticks: busy (not idle or waiting on I/O) and in all. */
function machineTicks(): { busy: number; total: number } | null {
	try {
		const fields = readFileSync('/proc/stat', 'latin1').split('\n', 1)[0]!.trim().split(/\s+/);
		const ticks = fields.slice(1, 9).map(Number);
		const total = ticks.reduce((sum, n) => sum + n, 0);
		return { busy: total - ticks[3]! - ticks[4]!, total };
	} catch {
		return null;
	}
}

/** Starts measuring CPU; the function it returns stops and gives the figures for `orders`. */
export function cpuMeter(): (orders: number) => CpuFigures {
	const started = { process: process.cpuUsage(), machine: machineTicks(), at: performance.now() };
	return (orders) => {
		const used = process.cpuUsage(started.process);
		const machine = machineTicks();
		const before = started.machine;
		const busy =
			machine && before ? (machine.busy - before.busy) / (machine.total - before.total) : null;
		const elapsedUs = (performance.now() - started.at) * 1000;
		return {
			processUsPerOrder: Math.round((used.user + used.system) / orders),
			machineUsPerOrder:
				busy === null ? null : Math.round((busy * availableParallelism() * elapsedUs) / orders),
			machineBusyPercent: busy === null ? null : Math.round(busy * 100)
		};
	};
}

/** Runs `inputs` from `clients` closed-loop clients (each waits for its answer) and times them. */
export async function runClosedLoop<T>(
	inputs: T[],
	clients: number,
	place: (client: number, input: T) => Promise<void>
): Promise<LoadFigures> {
	const latencies: number[] = [];
	let next = 0;
	const started = performance.now();
	await Promise.all(
		Array.from({ length: clients }, async (_, client) => {
			while (next < inputs.length) {
				const input = inputs[next++]!;
				const t0 = performance.now();
				await place(client, input);
				latencies.push(performance.now() - t0);
			}
		})
	);
	const seconds = (performance.now() - started) / 1000;
	latencies.sort((a, b) => a - b);
	const at = (p: number) =>
		Number(
			(
				latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0
			).toFixed(2)
		);
	return {
		clients,
		orders: inputs.length,
		seconds: Number(seconds.toFixed(2)),
		ordersPerSec: Math.round(inputs.length / seconds),
		p50Ms: at(50),
		p99Ms: at(99)
	};
}
