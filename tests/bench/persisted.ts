// Persisted benchmark: limit orders through LocalEngine against a real Postgres, with 1, 16 and
// 64 concurrent clients across 20 books; throughput, p50/p99 latency, and the invariant check
// afterwards. Uses DATABASE_URL's server (default: the local Postgres) in a fresh database.
import { LocalEngine } from '../../src/lib/engine/local';
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
	plan: { clients: number; orders: number }[] = [
		{ clients: 1, orders: 1_000 },
		{ clients: 16, orders: 4_000 },
		{ clients: 64, orders: 8_000 }
	]
): Promise<PersistedResult> {
	const bench = await createBenchDatabase(BOOKS, TRADERS);
	try {
		const runs: PersistedRun[] = [];
		for (const { clients, orders } of plan) {
			const engine = new LocalEngine(bench.db.pool, { maxBatch: 256 });
			const before = engine.commitStats();
			const cpu = cpuMeter();
			let trades = 0;
			const figures = await runClosedLoop(
				limitOrderFlow(bench.books, orders, clients),
				clients,
				async (client, input) => {
					const result = await engine.place(bench.traders[client % bench.traders.length]!, input);
					if (!result.ok) throw new Error(`${result.code}: ${result.message}`);
					trades += result.value.fills.length;
				}
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
