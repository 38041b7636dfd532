// Runs the benchmarks (all, or those named on the command line), writes each result to
// bench/results/<name>.json and prints one summary table per benchmark.
//
//   npm run bench              every benchmark
//   npm run bench -- matching  only the named ones

import { mkdir, writeFile } from 'node:fs/promises';
import { matchingRows, runMatchingBench } from './matching';
import { apiRows, runApiBench } from './api';
import { persistedRows, runPersistedBench } from './persisted';
import { fanoutRows, runFanoutBench } from './fanout';
import { enginesRows, runEnginesBench } from './engines';

type Row = Record<string, string | number>;

interface Bench {
	name: string;
	run: () => Promise<{ rows: Row[]; result: unknown }>;
}

/** Keeps each bench's result and row types together while the list holds them all. */
function bench<R>(name: string, run: () => Promise<R>, rows: (result: R) => Row[]): Bench {
	return {
		name,
		run: async () => {
			const result = await run();
			return { result, rows: rows(result) };
		}
	};
}

const benches: Bench[] = [
	bench('matching', () => runMatchingBench(), matchingRows),
	bench('persisted', () => runPersistedBench(), persistedRows),
	bench('api', () => runApiBench(), apiRows),
	bench('fanout', () => runFanoutBench(), fanoutRows),
	bench('engines', () => runEnginesBench(), enginesRows)
];

const resultsDir = new URL('../../bench/results/', import.meta.url);

async function main(): Promise<void> {
	const wanted = process.argv.slice(2);
	const unknown = wanted.filter((name) => !benches.some((b) => b.name === name));
	if (unknown.length > 0) {
		throw new Error(
			`unknown bench ${unknown.join(', ')}; known: ${benches.map((b) => b.name).join(', ')}`
		);
	}
	await mkdir(resultsDir, { recursive: true });
	for (const { name, run } of benches) {
		if (wanted.length > 0 && !wanted.includes(name)) continue;
		console.log(`\n${name}`);
		const { result, rows } = await run();
		const file = new URL(`${name}.json`, resultsDir);
		await writeFile(file, `${JSON.stringify(result, null, '\t')}\n`);
		console.table(rows);
		console.log(`written ${file.pathname}`);
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
