// Demo data: traders with cash, support and admin users, and realistic markets in every status.
// Idempotent: users and markets are matched by email and slug, and cash is deposited only once.
import type pg from 'pg';
import { hashPassword } from '../auth/password';
import { LocalEngine } from '../../engine/local';
import { PlaceOrderInput } from '../../shared/orders';
import { deposit, openTraderAccounts } from '../ledger/accounts';

export const DEMO_PASSWORD = 'betwise-demo';

export const demoUsers = [
	{
		email: 'alice@betwise.dev',
		displayName: 'Alice Trader',
		role: 'TRADER',
		depositCents: 100_000n
	},
	{ email: 'bob@betwise.dev', displayName: 'Bob Trader', role: 'TRADER', depositCents: 100_000n },
	{ email: 'support@betwise.dev', displayName: 'Sam Support', role: 'SUPPORT', depositCents: 0n },
	{ email: 'admin@betwise.dev', displayName: 'Ada Admin', role: 'ADMIN', depositCents: 0n },
	// Liquidity for the demo: Morgan quotes both sides of every open option, Theo trades a little.
	{
		email: 'maker@betwise.dev',
		displayName: 'Morgan Maker',
		role: 'TRADER',
		depositCents: 5_000_000n
	},
	{
		email: 'taker@betwise.dev',
		displayName: 'Theo Taker',
		role: 'TRADER',
		depositCents: 1_000_000n
	}
] as const;

const day = 86_400_000;

interface DemoMarket {
	slug: string;
	title: string;
	description: string;
	category: string;
	status: 'OPEN' | 'HALTED' | 'CLOSED' | 'RESOLVED';
	closesInDays: number;
	options: string[];
	winner?: string;
	/** Where the demo market maker centres its quotes, per option (open markets only). */
	fairCents?: number[];
}

export const demoMarkets: DemoMarket[] = [
	{
		slug: 'fed-rate-december-2026',
		title: 'What will the Fed decide at its December 2026 meeting?',
		description:
			'Resolves to the change in the federal funds target range announced after the FOMC meeting of December 2026.',
		category: 'Economics',
		status: 'OPEN',
		closesInDays: 21,
		options: ['Cut 50 bp or more', 'Cut 25 bp', 'Hold', 'Hike'],
		fairCents: [9, 46, 41, 4]
	},
	{
		slug: 'world-cup-2026-winner',
		title: 'Who will win the 2026 FIFA World Cup?',
		description: 'Resolves to the team that wins the final of the 2026 FIFA World Cup.',
		category: 'Sports',
		status: 'RESOLVED',
		closesInDays: -130,
		options: ['Argentina', 'Brazil', 'France', 'Spain', 'England', 'Other'],
		winner: 'Spain'
	},
	{
		slug: 'mayor-springfield-2027',
		title: 'Who will win the 2027 Springfield mayoral election?',
		description:
			'Resolves to the candidate certified as the winner of the 2027 Springfield mayoral election.',
		category: 'Politics',
		status: 'OPEN',
		closesInDays: 340,
		options: ['Alice Moreno', 'Bob Chen'],
		fairCents: [56, 44]
	},
	{
		slug: 'btc-above-150k-2026',
		title: 'Will Bitcoin close above $150,000 on December 31, 2026?',
		description:
			'Resolves Yes if the BTC/USD daily close on December 31, 2026 (UTC) is above $150,000.',
		category: 'Crypto',
		status: 'OPEN',
		closesInDays: 37,
		options: ['Yes', 'No'],
		fairCents: [31, 69]
	},
	{
		slug: 'launch-starship-orbit-q1-2027',
		title: 'Will Starship reach orbit and be recovered in Q1 2027?',
		description:
			'Trading is halted while the launch date is under review. Resolves Yes if a Starship upper stage completes an orbit and is recovered by March 31, 2027.',
		category: 'Science',
		status: 'HALTED',
		closesInDays: 120,
		options: ['Yes', 'No']
	},
	{
		slug: 'box-office-holiday-2026',
		title: 'Which film will top the 2026 holiday box office weekend?',
		description:
			'Trading has closed; resolves to the film with the highest US domestic gross over the Christmas weekend.',
		category: 'Culture',
		status: 'CLOSED',
		closesInDays: -2,
		options: ['Film A', 'Film B', 'Film C']
	}
];

export interface SeedReport {
	usersCreated: number;
	marketsCreated: number;
	/** Slugs of the markets this run created (demo liquidity goes only into those). */
	createdSlugs: string[];
}

export async function seedDemoData(client: pg.ClientBase, now = new Date()): Promise<SeedReport> {
	const report: SeedReport = { usersCreated: 0, marketsCreated: 0, createdSlugs: [] };
	const passwordHash = await hashPassword(DEMO_PASSWORD);
	await client.query('BEGIN');
	try {
		for (const user of demoUsers) {
			const { rows } = await client.query<{ id: string }>(
				`INSERT INTO users (id, email, display_name, password_hash, role)
				 VALUES (gen_random_uuid(), $1, $2, $3, $4)
				 ON CONFLICT (email) DO NOTHING RETURNING id`,
				[user.email, user.displayName, passwordHash, user.role]
			);
			const created = rows[0];
			if (!created) continue;
			report.usersCreated++;
			await openTraderAccounts(client, created.id);
			if (user.depositCents > 0n)
				await deposit(client, created.id, user.depositCents, 'Demo deposit');
		}
		for (const market of demoMarkets) {
			const { rows } = await client.query<{ id: string }>(
				`INSERT INTO markets (id, slug, title, description, category, status, closes_at)
				 VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6)
				 ON CONFLICT (slug) DO NOTHING RETURNING id`,
				[
					market.slug,
					market.title,
					market.description,
					market.category,
					market.status,
					new Date(now.getTime() + market.closesInDays * day)
				]
			);
			const created = rows[0];
			if (!created) continue;
			report.marketsCreated++;
			report.createdSlugs.push(market.slug);
			await client.query(
				`WITH options AS (
				     INSERT INTO market_options (id, market_id, label, sort_order)
				     SELECT gen_random_uuid(), $1, label, ordinality - 1
				       FROM unnest($2::text[]) WITH ORDINALITY AS t(label, ordinality)
				     RETURNING id)
				 INSERT INTO books (option_id) SELECT id FROM options`,
				[created.id, market.options]
			);
			if (market.winner) {
				await client.query(
					`UPDATE markets SET resolution = 'OPTION', resolved_at = $3,
					        resolved_option_id = (SELECT id FROM market_options WHERE market_id = $1 AND label = $2)
					  WHERE id = $1`,
					[created.id, market.winner, now]
				);
			}
		}
		await client.query('COMMIT');
	} catch (error) {
		await client.query('ROLLBACK');
		throw error;
	}
	return report;
}

/** True when no user exists yet: `npm run dev` seeds only then. */
export async function isEmpty(client: pg.ClientBase): Promise<boolean> {
	const { rows } = await client.query<{ empty: boolean }>(
		'SELECT NOT EXISTS (SELECT 1 FROM users) AS empty'
	);
	return rows[0]?.empty ?? true;
}

/**
 * Quotes three levels each side of every option of the newly created open markets from the
 * demo market maker, and has the demo taker buy a little, so books and prices are not empty.
 * Goes through the engine, so it moves cash and positions like any trader's orders.
 */
export async function seedDemoLiquidity(pool: pg.Pool, createdSlugs: string[]): Promise<number> {
	const engine = new LocalEngine(pool);
	const users = await pool.query<{ id: string; email: string }>(
		`SELECT id, email FROM users WHERE email IN ('maker@betwise.dev', 'taker@betwise.dev')`
	);
	const idOf = (email: string) => users.rows.find((row) => row.email === email)?.id;
	const maker = idOf('maker@betwise.dev');
	const taker = idOf('taker@betwise.dev');
	if (!maker || !taker) return 0;
	let placed = 0;
	for (const market of demoMarkets) {
		if (!market.fairCents || !createdSlugs.includes(market.slug)) continue;
		const { rows } = await pool.query<{ market_id: string; option_id: string }>(
			`SELECT m.id AS market_id, o.id AS option_id FROM markets m
			   JOIN market_options o ON o.market_id = m.id WHERE m.slug = $1 ORDER BY o.sort_order`,
			[market.slug]
		);
		for (const [index, row] of rows.entries()) {
			const fair = market.fairCents[index] ?? 50;
			const order = (userId: string, side: 'BUY' | 'SELL', priceCents: number, quantity: number) =>
				engine.place(
					userId,
					PlaceOrderInput.parse({
						marketId: row.market_id,
						optionId: row.option_id,
						side,
						priceCents,
						quantity
					})
				);
			for (let level = 1; level <= 3; level++) {
				if (fair - level >= 1) await order(maker, 'BUY', fair - level, 40 * level);
				if (fair + level <= 99) await order(maker, 'SELL', fair + level, 40 * level);
				placed += 2;
			}
			if (fair + 1 <= 99) await order(taker, 'BUY', fair + 1, 15);
		}
	}
	return placed;
}

/** Seeds the demo data, then its liquidity. One connection at a time (the embedded database has one). */
export async function seedDemo(pool: pg.Pool): Promise<SeedReport & { ordersPlaced: number }> {
	const client = await pool.connect();
	let report: SeedReport;
	try {
		report = await seedDemoData(client);
	} finally {
		client.release();
	}
	return { ...report, ordersPlaced: await seedDemoLiquidity(pool, report.createdSlugs) };
}

/** `npm run dev` seeds only an empty database. */
export async function seedDemoIfEmpty(
	pool: pg.Pool
): Promise<(SeedReport & { ordersPlaced: number }) | null> {
	const client = await pool.connect();
	let empty: boolean;
	try {
		empty = await isEmpty(client);
	} finally {
		client.release();
	}
	return empty ? seedDemo(pool) : null;
}
