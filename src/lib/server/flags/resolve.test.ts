// Resolution on its own: the order of the rules, the sticky percentage and its spread over many
// users, and explanations that name the rule and who set it.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { FlagView } from './flag';
import { flagSetOf, inRollout, resolveEngine, rolloutBucket } from './resolve';

const supportId = randomUUID();
const userId = randomUUID();
const marketId = randomUUID();

function aFlag(fields: Partial<FlagView> & Pick<FlagView, 'scope'>): FlagView {
	return {
		scopeKey:
			fields.scope === 'GLOBAL'
				? 'global'
				: fields.scope === 'USER'
					? `user:${fields.userId}`
					: `market:${fields.marketId}`,
		userId: null,
		marketId: null,
		engine: 'remote',
		rolloutPercent: 100,
		updatedBy: { id: supportId, email: 'support@betwise.dev' },
		updatedAt: new Date('2026-11-01T00:00:00Z'),
		...fields
	};
}

const userFlag = (engine: FlagView['engine']) => aFlag({ scope: 'USER', userId, engine });
const marketFlag = (engine: FlagView['engine']) => aFlag({ scope: 'MARKET', marketId, engine });
const globalAt = (rolloutPercent: number) => aFlag({ scope: 'GLOBAL', rolloutPercent });

const target = { userId, marketId };

describe('resolving the engine for a user in a market', () => {
	it('lets a user flag win over a market flag and the global rollout', () => {
		const flags = flagSetOf([userFlag('local'), marketFlag('remote'), globalAt(100)]);
		expect(resolveEngine(flags, target, 'remote')).toMatchObject({ engine: 'local', rule: 'USER' });
	});

	it('lets a market flag win over the global rollout when the user has none', () => {
		const flags = flagSetOf([marketFlag('local'), globalAt(100)]);
		expect(resolveEngine(flags, target, 'remote')).toMatchObject({
			engine: 'local',
			rule: 'MARKET'
		});
	});

	it('ignores market flags for a call that names no market', () => {
		const flags = flagSetOf([marketFlag('remote')]);
		expect(resolveEngine(flags, { userId, marketId: null }, 'local')).toMatchObject({
			engine: 'local',
			rule: 'DEFAULT'
		});
	});

	it('uses the global rollout when neither the user nor the market has a flag', () => {
		expect(resolveEngine(flagSetOf([globalAt(100)]), target, 'local')).toMatchObject({
			engine: 'remote',
			rule: 'GLOBAL'
		});
		expect(resolveEngine(flagSetOf([globalAt(0)]), target, 'remote')).toMatchObject({
			engine: 'local',
			rule: 'GLOBAL'
		});
	});

	it('falls back to the USE_RUST_ENGINE default when no flag applies', () => {
		const none = flagSetOf([]);
		expect(resolveEngine(none, target, 'local')).toMatchObject({
			engine: 'local',
			rule: 'DEFAULT'
		});
		expect(resolveEngine(none, target, 'remote')).toMatchObject({
			engine: 'remote',
			rule: 'DEFAULT'
		});
	});

	it('explains in words which rule decided and who set it', () => {
		expect(resolveEngine(flagSetOf([userFlag('remote')]), target, 'local').explanation).toBe(
			'user flag set by support@betwise.dev: remote'
		);
		expect(resolveEngine(flagSetOf([marketFlag('local')]), target, 'remote').explanation).toBe(
			'market flag set by support@betwise.dev: local'
		);
		expect(resolveEngine(flagSetOf([globalAt(25)]), target, 'local').explanation).toMatch(
			/^global rollout of the remote engine at 25%, set by support@betwise\.dev: this user's bucket \d+ is (not )?below 25: (local|remote)$/
		);
		expect(resolveEngine(flagSetOf([]), target, 'local').explanation).toBe(
			'no flag applies; USE_RUST_ENGINE is off: local'
		);
	});
});

describe('the global rollout percentage', () => {
	const userIds = Array.from({ length: 10_000 }, () => randomUUID());

	it('gives the same user the same answer every time', () => {
		const flags = flagSetOf([globalAt(50)]);
		for (const id of userIds.slice(0, 200)) {
			const first = resolveEngine(flags, { userId: id, marketId: null }, 'local').engine;
			for (let again = 0; again < 5; again++) {
				expect(resolveEngine(flags, { userId: id, marketId: null }, 'local').engine).toBe(first);
			}
		}
	});

	it.each([1, 10, 25, 50, 90])('puts close to %i%% of 10,000 users on the remote engine', (pct) => {
		const remote = userIds.filter((id) => inRollout(id, pct)).length;
		// A binomial share of 10,000 stays within 5 standard deviations (≤ 2.5 points) except
		// with a probability far below one in a million.
		const sd = Math.sqrt(10_000 * (pct / 100) * (1 - pct / 100));
		expect(Math.abs(remote - pct * 100)).toBeLessThanOrEqual(5 * sd);
	});

	it('only adds users when the percentage is raised', () => {
		for (const id of userIds.slice(0, 1_000)) {
			if (inRollout(id, 20)) expect(inRollout(id, 30)).toBe(true);
		}
	});

	it('spreads users over every bucket from 0 to 99', () => {
		const buckets = new Set(userIds.map(rolloutBucket));
		expect([...buckets].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
	});

	it('keeps a call for no user out of a partial rollout, and in at 100%', () => {
		const nobody = { userId: null, marketId: null };
		expect(resolveEngine(flagSetOf([globalAt(99)]), nobody, 'remote').engine).toBe('local');
		expect(resolveEngine(flagSetOf([globalAt(100)]), nobody, 'local').engine).toBe('remote');
	});

	it('treats a global flag naming the local engine as off, whatever its percentage', () => {
		const off = aFlag({ scope: 'GLOBAL', engine: 'local', rolloutPercent: 100 });
		expect(resolveEngine(flagSetOf([off]), target, 'remote')).toMatchObject({
			engine: 'local',
			rule: 'GLOBAL',
			explanation: 'global flag set by support@betwise.dev: local'
		});
	});
});
