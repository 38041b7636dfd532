// Demo data: traders with cash, support and admin users, and realistic markets in every status.
// Idempotent: users and markets are matched by email and slug, and cash is deposited only once.
import type pg from 'pg';
import { hashPassword } from '../auth/password';
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
	{ email: 'admin@betwise.dev', displayName: 'Ada Admin', role: 'ADMIN', depositCents: 0n }
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
		options: ['Cut 50 bp or more', 'Cut 25 bp', 'Hold', 'Hike']
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
		options: ['Alice Moreno', 'Bob Chen']
	},
	{
		slug: 'btc-above-150k-2026',
		title: 'Will Bitcoin close above $150,000 on December 31, 2026?',
		description:
			'Resolves Yes if the BTC/USD daily close on December 31, 2026 (UTC) is above $150,000.',
		category: 'Crypto',
		status: 'OPEN',
		closesInDays: 37,
		options: ['Yes', 'No']
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
}

export async function seedDemoData(client: pg.ClientBase, now = new Date()): Promise<SeedReport> {
	const report: SeedReport = { usersCreated: 0, marketsCreated: 0 };
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
