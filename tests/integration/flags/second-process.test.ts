// A flag change reaches a second app process (a real one, with its own connections and event
// hub) without a restart: it hears of the change and answers with the new engine.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import type { EngineChoice } from '../../../src/lib/server/flags';
import { aMarket } from '../../fixtures/markets';
import { aSupportUser, aTrader } from '../../fixtures/services';
import { flagTestBed, flagsCallerFor } from './flag-bed';

const bed = flagTestBed();

interface ProcessLine {
	type: 'ready' | 'reload';
	cause?: string;
	choice: EngineChoice;
}

interface SecondProcess {
	/** Resolves with the first line from now on that satisfies `wanted`. */
	next(wanted: (line: ProcessLine) => boolean): Promise<ProcessLine>;
	stop(): Promise<void>;
}

const processes: SecondProcess[] = [];
afterAll(async () => {
	await Promise.all(processes.map((child) => child.stop()));
});

const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));
const script = fileURLToPath(new URL('./flag-process.ts', import.meta.url));

async function startSecondProcess(target: { userId: string; marketId: string }) {
	const child: ChildProcessWithoutNullStreams = spawn(tsx, [script], {
		env: {
			...process.env,
			FLAG_PROCESS_DATABASE_URL: bed.db.url,
			FLAG_PROCESS_DB_KIND: bed.db.kind,
			FLAG_PROCESS_USER_ID: target.userId,
			FLAG_PROCESS_MARKET_ID: target.marketId
		}
	});
	let stderr = '';
	child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
	const waiting = new Set<{
		wanted: (line: ProcessLine) => boolean;
		resolve: (line: ProcessLine) => void;
	}>();
	createInterface({ input: child.stdout }).on('line', (text) => {
		const line = JSON.parse(text) as ProcessLine;
		for (const waiter of [...waiting]) {
			if (!waiter.wanted(line)) continue;
			waiting.delete(waiter);
			waiter.resolve(line);
		}
	});
	const exited = once(child, 'exit');
	const second: SecondProcess = {
		next: (wanted) =>
			new Promise((resolve, reject) => {
				waiting.add({ wanted, resolve });
				void exited.then(([code]) =>
					reject(new Error(`the second process exited (${code}): ${stderr}`))
				);
			}),
		async stop() {
			if (child.exitCode !== null || child.signalCode !== null) return;
			child.stdin.end();
			await exited;
		}
	};
	processes.push(second);
	return second;
}

describe('a flag change and a second app process', () => {
	// Starting a TypeScript process is slow on a busy machine; the waits below are for events.
	it(
		'reaches the second process through its event hub, without a restart',
		{ timeout: 120_000 },
		async () => {
			const trader = await aTrader(bed.db);
			const market = await aMarket(bed.db);
			const api = await flagsCallerFor(bed, await aSupportUser(bed.db));
			const second = await startSecondProcess({ userId: trader.id, marketId: market.id });
			const ready = await second.next((line) => line.type === 'ready');
			expect(ready.choice).toMatchObject({ engine: 'local', rule: 'DEFAULT' });

			const toRemote = second.next((line) => line.choice.rule === 'MARKET');
			await api.admin.flags.setMarket({
				marketId: market.id,
				engine: 'remote',
				reason: 'pilot this market'
			});
			expect(await toRemote).toMatchObject({
				type: 'reload',
				cause: 'change',
				choice: { engine: 'remote', rule: 'MARKET' }
			});

			const pinned = second.next((line) => line.choice.rule === 'USER');
			await api.admin.flags.setUser({
				userId: trader.id,
				engine: 'local',
				reason: 'keep on local'
			});
			expect(await pinned).toMatchObject({ cause: 'change', choice: { engine: 'local' } });

			const released = second.next((line) => line.choice.rule !== 'USER');
			await api.admin.flags.remove({ scope: 'USER', id: trader.id, reason: 'release user' });
			expect((await released).choice).toMatchObject({ engine: 'remote', rule: 'MARKET' });
		}
	);
});
