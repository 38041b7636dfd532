// No Docker engine runs on our machines, so the compose file is checked by reading it.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseEnv } from '../../src/lib/server/env';

interface Service {
	image?: string;
	build?: string;
	ports?: string[];
	environment?: Record<string, string>;
	depends_on?: Record<string, { condition: string }>;
	healthcheck?: { test: string[] };
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8')) as {
	services: Record<string, Service>;
};
const { postgres, app, engine } = compose.services;

/** Compose's ${VAR:-default} as the default a container would see. */
const resolved = (environment: Record<string, string> = {}) =>
	Object.fromEntries(
		Object.entries(environment).map(([key, value]) => [
			key,
			value.replace(/\$\{[A-Z_]+:-([^}]*)\}/g, '$1')
		])
	);

describe('docker-compose.yml', () => {
	it('declares Postgres 16, the app and the engine service, each with a healthcheck', () => {
		expect(Object.keys(compose.services).sort()).toEqual(['app', 'engine', 'postgres']);
		expect(postgres?.image).toBe('postgres:16');
		for (const service of [postgres, app, engine])
			expect(service?.healthcheck?.test.length).toBeGreaterThan(0);
	});

	it('publishes the site on 3000, the engine on 8080 (as the seed contract says) and Postgres on 5432', () => {
		expect(app?.ports).toEqual(['3000:3000']);
		expect(engine?.ports).toEqual(['8080:8080']);
		expect(postgres?.ports).toEqual(['5432:5432']);
	});

	it('starts the app only after a healthy database and engine', () => {
		expect(app?.depends_on).toEqual({
			postgres: { condition: 'service_healthy' },
			engine: { condition: 'service_healthy' }
		});
		expect(engine?.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
	});

	it('gives the app a configuration that passes our own validation and points at the other two', () => {
		const env = parseEnv(resolved(app?.environment));
		expect(env.DATABASE_URL).toMatch(/@postgres:5432\//);
		expect(env.TRADING_ENGINE_URL).toBe('http://engine:8080/api/v1');
		expect(env.TRADING_ENGINE_WS_URL).toBe('ws://engine:8080/ws');
		expect(env.USE_RUST_ENGINE).toBe(false);
		expect(env.NODE_ENV).toBe('production');
	});

	it('gives the app and the engine the same database and the same engine token', () => {
		expect(engine?.environment?.DATABASE_URL).toBe(app?.environment?.DATABASE_URL);
		expect(engine?.environment?.TRADING_ENGINE_TOKEN).toBe(app?.environment?.TRADING_ENGINE_TOKEN);
		const user = postgres?.environment;
		expect(app?.environment?.DATABASE_URL).toBe(
			`postgresql://${user?.POSTGRES_USER}:${user?.POSTGRES_PASSWORD}@postgres:5432/${user?.POSTGRES_DB}`
		);
	});
});
