import adapter from '@sveltejs/adapter-node';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	kit: {
		adapter: adapter({ out: 'build' }),
		// Origin checks for tRPC mutations and WebSocket upgrades live in hooks.server.ts;
		// SvelteKit's own CSRF check still guards form actions.
		csrf: { trustedOrigins: [] }
	}
};

export default config;
