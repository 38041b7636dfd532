import { availableParallelism } from 'node:os';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';
import { trpcWebSocketDevPlugin } from './src/lib/server/ws/vite-plugin.js';

export default defineConfig({
	plugins: [sveltekit(), trpcWebSocketDevPlugin()],
	server: { port: 5173, strictPort: false },
	test: {
		include: ['src/**/*.test.ts', 'tests/integration/**/*.test.ts', 'tests/contract/**/*.test.ts'],
		environment: 'node',
		testTimeout: 30_000,
		hookTimeout: 60_000,
		pool: 'forks',
		// On a real Postgres a test file mostly waits on the server, so more files than cores run
		// well (half the time here); on the embedded database each file's database runs in its own
		// worker and is CPU-bound, so vitest's default stays.
		maxWorkers: process.env.DATABASE_URL ? Math.max(4, availableParallelism()) : undefined
	}
});
