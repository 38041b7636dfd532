// `npm run workload` prints what the reference generator prints for the same seed and count:
// the line below for seed 42 and a million operations is the reference's own output.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { checksum, countKinds, generateWorkload } from '../bench/workload';

const run = promisify(execFile);

const workloadScript = (...args: string[]) =>
	run(process.execPath, ['--import', 'tsx', 'scripts/workload.ts', ...args]);

describe('npm run workload', () => {
	it("prints the seed, the count and the generator's mix and checksum as one JSON line", async () => {
		const { stdout } = await workloadScript('7', '10000');
		const workload = generateWorkload({ seed: 7, ops: 10_000 });
		expect(stdout).toBe(
			`${JSON.stringify({ seed: 7, ops: 10_000, ...countKinds(workload), checksum: checksum(workload) })}\n`
		);
		expect(stdout).toBe(
			'{"seed":7,"ops":10000,"limit":5535,"cancel":3519,"market":946,"checksum":"ed857c70"}\n'
		);
	});

	it('prints checksum 423439be for seed 42 and a million operations, its defaults', async () => {
		const reference =
			'{"seed":42,"ops":1000000,"limit":451241,"cancel":449056,"market":99703,"checksum":"423439be"}\n';
		expect((await workloadScript('42', '1000000')).stdout).toBe(reference);
		expect((await workloadScript()).stdout).toBe(reference);
	});

	it('refuses a count that is not a whole number, saying how it is used', async () => {
		const failure = await workloadScript('42', 'many').then(
			() => null,
			(error: { code: number; stderr: string }) => error
		);
		expect(failure?.code).toBe(2);
		expect(failure?.stderr).toMatch(/^usage: npm run workload -- \[seed\] \[count\]/);
	});
});
