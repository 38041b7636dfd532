// Persisted benchmark: limit orders through LocalEngine against a real Postgres, with 1, 16 and
// 64 concurrent clients across 20 books; throughput, p50/p99 latency, and the invariant check
// afterwards. Uses DATABASE_URL's server (default: the local Postgres) in a fresh database.
import { LocalEngine } from '../../src/lib/engine/local';
import type { PlaceOrderInput } from '../../src/lib/shared/orders';
import { checkInvariants } from '../../src/lib/server/db/invariants';
import {
	commitColumns,
	commitFigures,
	cpuMeter,
	createBenchDatabase,
	limitOrderFlow,
	runClosedLoop,
	type CommitFigures,
	type CpuFigures,
	type LoadFigures
} from './bench-database';

/** BENCH_BOOKS changes the number of books, to see what fuller transactions would give. */
const BOOKS = Number(process.env.BENCH_BOOKS ?? 20);
const TRADERS = 64;

export interface PersistedRun extends LoadFigures, CommitFigures, CpuFigures {
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

export async function runPersistedBench(
	plan: { clients: number; orders: number; warmup: number }[] = [
		{ clients: 1, orders: 1_000, warmup: 300 },
		{ clients: 16, orders: 8_000, warmup: 2_000 },
		{ clients: 64, orders: 24_000, warmup: 4_000 }
	]
): Promise<PersistedResult> {
	const bench = await createBenchDatabase(BOOKS, TRADERS);
	try {
		const runs: PersistedRun[] = [];
		for (const { clients, orders, warmup } of plan) {
			const engine = new LocalEngine(bench.db.pool, { maxBatch: 256 });
			let trades = 0;
			const place = async (client: number, input: PlaceOrderInput) => {
				const result = await engine.place(bench.traders[client % bench.traders.length]!, input);
				if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
				trades += result.value.fills.length;
			};
			// Untimed first, at the same load: V8 compiles the code on the path during the first
			// thousands of orders, and the connections prepare their statements.
			await runClosedLoop(limitOrderFlow(bench.books, warmup, clients + 1_000), clients, place);
			trades = 0;
			const before = engine.commitStats();
			const cpu = cpuMeter();
			const figures = await runClosedLoop(
				limitOrderFlow(bench.books, orders, clients),
				clients,
				place
			);
			runs.push({
				...figures,
				trades,
				...cpu(orders),
				...commitFigures(before, engine.commitStats())
			});
		}
		const invariants = (await checkInvariants(bench.db.pool)).map(({ name, ok }) => ({ name, ok }));
		return {
			server: (await bench.db.pool.query<{ version: string }>('SELECT version()')).rows[0]!.version,
			books: BOOKS,
			runs,
			invariants,
			node: process.version,
			date: new Date().toISOString()
		};
	} finally {
		await bench.close();
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
			trades: run.trades,
			...commitColumns(run),
			// The engine and its clients share this process; the rest of the machine is mostly Postgres.
			'CPU µs/order: process / machine': `${run.processUsPerOrder} / ${run.machineUsPerOrder ?? '?'}`,
			'machine busy %': run.machineBusyPercent ?? '?'
		})),
		{
			clients: 'invariants',
			orders: result.invariants.every((i) => i.ok) ? 'all hold' : 'BROKEN',
			'orders/s': '',
			'p50 ms': '',
			'p99 ms': '',
			trades: '',
			'orders/txn': '',
			'txn ms: read/match/write': '',
			'CPU µs/order: process / machine': '',
			'machine busy %': ''
		}
	];
}
