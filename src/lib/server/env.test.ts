import { describe, expect, it } from 'vitest';
import { ConfigError, parseEnv } from './env';

describe('configuration', () => {
	it('has working defaults for a newcomer with nothing set', () => {
		const env = parseEnv({});
		expect(env.DATABASE_URL).toBeUndefined();
		expect(env.TRADING_ENGINE_URL).toBe('http://localhost:8080/api/v1');
		expect(env.TRADING_ENGINE_WS_URL).toBe('ws://localhost:8080/ws');
		expect(env.USE_RUST_ENGINE).toBe(false);
		expect(env.DB_POOL_MAX).toBe(10);
	});

	it('reads numbers and switches from their text', () => {
		const env = parseEnv({ DB_POOL_MAX: '25', USE_RUST_ENGINE: 'true', ENGINE_TIMEOUT_MS: '750' });
		expect(env).toMatchObject({ DB_POOL_MAX: 25, USE_RUST_ENGINE: true, ENGINE_TIMEOUT_MS: 750 });
	});

	it("accepts the seed document's NEXT_PUBLIC_ names for the engine addresses", () => {
		const env = parseEnv({
			NEXT_PUBLIC_TRADING_ENGINE_URL: 'http://engine:9000/api/v1',
			NEXT_PUBLIC_TRADING_ENGINE_WS_URL: 'ws://engine:9000/ws'
		});
		expect(env.TRADING_ENGINE_URL).toBe('http://engine:9000/api/v1');
		expect(env.TRADING_ENGINE_WS_URL).toBe('ws://engine:9000/ws');
	});

	it.each([
		[{ DB_POOL_MAX: 'lots' }, 'DB_POOL_MAX: expected a whole number (got "lots")'],
		[{ DB_POOL_MAX: '0' }, 'DB_POOL_MAX: expected at least 1 (got "0")'],
		[{ USE_RUST_ENGINE: 'maybe' }, 'USE_RUST_ENGINE: expected true or false (got "maybe")'],
		[{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL: expected a postgresql:// URL (got "mysql://x")'],
		[
			{ TRADING_ENGINE_WS_URL: 'http://x/ws' },
			'TRADING_ENGINE_WS_URL: expected a ws:// or wss:// URL (got "http://x/ws")'
		]
	])('stops on %o with one line naming the variable', (source, message) => {
		let error: unknown;
		try {
			parseEnv(source);
		} catch (caught) {
			error = caught;
		}
		expect(error).toBeInstanceOf(ConfigError);
		const text = (error as ConfigError).message;
		expect(text).toBe(`Invalid configuration: ${message}`);
		expect(text).not.toContain('\n');
	});

	it('names every bad variable at once', () => {
		expect(() => parseEnv({ DB_POOL_MAX: 'x', LOG_LEVEL: 'loud' })).toThrow(
			/^Invalid configuration: LOG_LEVEL: .*; DB_POOL_MAX: expected a whole number/
		);
	});
});
