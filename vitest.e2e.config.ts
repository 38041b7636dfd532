// Browser tests (`npm run test:e2e` starts the app and runs these): one spec file at a time, in
// order, with timeouts that allow for a cold browser and a busy machine.
import { defineConfig } from 'vitest/config';

export default defineConfig({
	test: {
		include: ['tests/e2e/**/*.e2e.ts'],
		environment: 'node',
		pool: 'forks',
		fileParallelism: false,
		sequence: { concurrent: false },
		testTimeout: 60_000,
		hookTimeout: 120_000,
		reporters: ['verbose']
	}
});
