// A bad configuration value stops start-up with one line that names the variable.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);

describe('starting with a bad configuration value', () => {
	it('exits with status 1 and one line naming the variable and what was wrong', async () => {
		const failure = await run(process.execPath, ['--import', 'tsx', 'scripts/db-migrate.ts'], {
			env: { ...process.env, DATABASE_URL: '', DB_POOL_MAX: 'lots' }
		}).then(
			() => null,
			(error: { code: number; stderr: string }) => error
		);
		expect(failure?.code).toBe(1);
		expect(failure?.stderr.trim().split('\n')).toEqual([
			'Invalid configuration: DB_POOL_MAX: expected a whole number (got "lots")'
		]);
	});
});
