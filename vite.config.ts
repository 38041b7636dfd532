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
		pool: 'forks'
	}
});
