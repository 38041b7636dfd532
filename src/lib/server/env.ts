// The app's configuration, read from the environment once and validated with zod, so that a
// bad value stops start-up with one line naming the variable instead of failing later.
import { z } from 'zod';

const bool = z
	.enum(['true', 'false', '1', '0', 'yes', 'no'], { error: 'expected true or false' })
	.transform((value) => value === 'true' || value === '1' || value === 'yes');

const int = (min: number, max: number) =>
	z.coerce
		.number({ error: 'expected a whole number' })
		.int({ error: 'expected a whole number' })
		.min(min, { error: `expected at least ${min}` })
		.max(max, { error: `expected at most ${max}` });

const postgresUrl = z
	.string()
	.regex(/^postgres(ql)?:\/\/\S+$/, { error: 'expected a postgresql:// URL' });

const envSchema = z.object({
	NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
	LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
	/** Unset: the embedded PGlite database in DATA_DIR. */
	DATABASE_URL: postgresUrl.optional(),
	DATA_DIR: z.string().min(1).default('.data'),
	/** Port on 127.0.0.1 where the embedded database is served to the app and the engine service. */
	EMBEDDED_DB_PORT: int(1, 65_535).default(5433),
	DB_POOL_MAX: int(1, 200).default(10),
	DB_STATEMENT_TIMEOUT_MS: int(100, 600_000).default(15_000),
	DB_CONNECT_TIMEOUT_MS: int(100, 120_000).default(5_000),
	DB_IDLE_TIMEOUT_MS: int(1_000, 3_600_000).default(30_000),
	ORIGIN: z.url({ error: 'expected a URL such as https://betwise.example' }).optional(),
	SESSION_TTL_HOURS: int(1, 24 * 90).default(24 * 7),
	TRADING_ENGINE_URL: z
		.url({ error: 'expected an http(s) URL' })
		.default('http://localhost:8080/api/v1'),
	TRADING_ENGINE_WS_URL: z
		.url({ protocol: /^wss?$/, error: 'expected a ws:// or wss:// URL' })
		.default('ws://localhost:8080/ws'),
	TRADING_ENGINE_TOKEN: z
		.string()
		.min(16, { error: 'expected at least 16 characters' })
		.default('betwise-dev-engine-token'),
	USE_RUST_ENGINE: bool.default(false),
	/** Where the engine service listens; port 0 takes any free port (it prints the one it got). */
	ENGINE_PORT: int(0, 65_535).default(8080),
	/** Unset: loopback in development and test, every interface in production (a container). */
	ENGINE_HOST: z.string().min(1).optional(),
	/** How often the engine service pings each /ws client; one that misses a ping is dropped. */
	ENGINE_WS_PING_MS: int(100, 600_000).default(30_000),
	ENGINE_TIMEOUT_MS: int(10, 60_000).default(2_000),
	BREAKER_FAILURE_THRESHOLD: int(1, 1_000).default(5),
	BREAKER_ERROR_PERCENT: int(1, 100).default(50),
	BREAKER_COOLDOWN_MS: int(100, 600_000).default(10_000),
	/** How long the event outbox keeps an event (for reconnecting clients to replay). */
	EVENTS_RETENTION_HOURS: int(1, 24 * 365).default(24 * 7),
	/** Bearer token a Prometheus scraper presents at /metrics; unset, only staff sessions see it. */
	METRICS_TOKEN: z.string().min(16, { error: 'expected at least 16 characters' }).optional()
});

export type Env = z.infer<typeof envSchema>;

/** The seed document's names, accepted so that an existing `.env.local` keeps working. */
const aliases: Record<string, keyof Env> = {
	NEXT_PUBLIC_TRADING_ENGINE_URL: 'TRADING_ENGINE_URL',
	NEXT_PUBLIC_TRADING_ENGINE_WS_URL: 'TRADING_ENGINE_WS_URL'
};

export class ConfigError extends Error {
	override name = 'ConfigError';
}

/** Parses an environment; throws ConfigError whose message is one line naming each bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
	const input: Record<string, string | undefined> = {};
	for (const key of Object.keys(envSchema.shape)) {
		const value = source[key];
		if (value !== undefined && value !== '') input[key] = value;
	}
	for (const [alias, key] of Object.entries(aliases)) {
		const value = source[alias];
		if (input[key] === undefined && value !== undefined && value !== '') input[key] = value;
	}
	const result = envSchema.safeParse(input);
	if (result.success) return result.data;
	const problems = result.error.issues.map((issue) => {
		const name = String(issue.path[0] ?? 'environment');
		const got = input[name];
		return `${name}: ${issue.message}${got === undefined ? '' : ` (got ${JSON.stringify(got)})`}`;
	});
	throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
}

let cached: Env | undefined;

/** The process's configuration, parsed on first use. */
export function env(): Env {
	cached ??= parseEnv(process.env);
	return cached;
}

/** Parses now and, on a bad value, prints the one-line reason and exits: for start-up paths. */
export function envOrExit(): Env {
	try {
		return env();
	} catch (error) {
		if (error instanceof ConfigError) {
			console.error(error.message);
			process.exit(1);
		}
		throw error;
	}
}
