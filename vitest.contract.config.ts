// `npm run test:contract`: the trading engine contract suite alone. With ENGINE_URL set, only its
// remote run, against the engine at that address (see tests/contract/remote.test.ts); unset,
// against the local engine and an engine service that the run starts itself.
import { defineConfig } from 'vitest/config';
import appConfig from './vite.config';

export default defineConfig({
	...appConfig,
	test: {
		...appConfig.test,
		include: process.env.ENGINE_URL
			? ['tests/contract/remote.test.ts']
			: ['tests/contract/**/*.test.ts']
	}
});
