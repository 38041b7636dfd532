// Pure engine resolution over a set of flags: USER flag, then MARKET flag, then the GLOBAL
// rollout percentage (sticky by a hash of the user id), then the environment's default.
import { createHash } from 'node:crypto';
import type { EngineName } from '$lib/shared/orders';
import type { EngineChoice, EngineTarget } from './choice';
import type { FlagView } from './flag';

/** The flags of one moment, indexed the way resolution looks them up. */
export interface FlagSet {
	global: FlagView | null;
	byUser: ReadonlyMap<string, FlagView>;
	byMarket: ReadonlyMap<string, FlagView>;
}

export function flagSetOf(flags: Iterable<FlagView>): FlagSet {
	let global: FlagView | null = null;
	const byUser = new Map<string, FlagView>();
	const byMarket = new Map<string, FlagView>();
	for (const flag of flags) {
		if (flag.scope === 'GLOBAL') global = flag;
		else if (flag.scope === 'USER' && flag.userId) byUser.set(flag.userId, flag);
		else if (flag.scope === 'MARKET' && flag.marketId) byMarket.set(flag.marketId, flag);
	}
	return { global, byUser, byMarket };
}

/** The flags that could apply to a target, whether or not they decided. */
export interface ConsideredFlags {
	user: FlagView | null;
	market: FlagView | null;
	global: FlagView | null;
}

export function flagsFor(flags: FlagSet, target: EngineTarget): ConsideredFlags {
	return {
		user: target.userId === null ? null : (flags.byUser.get(target.userId) ?? null),
		market: target.marketId === null ? null : (flags.byMarket.get(target.marketId) ?? null),
		global: flags.global
	};
}

/**
 * A user's place in the rollout, 0–99: the first 4 bytes of a SHA-256 of the id, mod 100. It
 * depends on the id alone, so a user stays in (or out of) the rollout on every call and every
 * process, and raising the percentage only ever adds users.
 */
export function rolloutBucket(userId: string): number {
	const digest = createHash('sha256').update(`engine-rollout:${userId}`).digest();
	return digest.readUInt32BE(0) % 100;
}

/** Whether the user is inside a rollout of `percent`; a call for no one only at 100%. */
export function inRollout(userId: string | null, percent: number): boolean {
	if (percent >= 100) return true;
	if (userId === null || percent <= 0) return false;
	return rolloutBucket(userId) < percent;
}

const setter = (flag: FlagView) => flag.updatedBy.email ?? `user ${flag.updatedBy.id}`;

export function resolveEngine(
	flags: FlagSet,
	target: EngineTarget,
	defaultEngine: EngineName
): EngineChoice {
	const { user, market, global } = flagsFor(flags, target);
	if (user) {
		return {
			engine: user.engine,
			rule: 'USER',
			explanation: `user flag set by ${setter(user)}: ${user.engine}`
		};
	}
	if (market) {
		return {
			engine: market.engine,
			rule: 'MARKET',
			explanation: `market flag set by ${setter(market)}: ${market.engine}`
		};
	}
	if (global) return resolveGlobal(global, target.userId);
	return {
		engine: defaultEngine,
		rule: 'DEFAULT',
		explanation: `no flag applies; USE_RUST_ENGINE is ${defaultEngine === 'remote' ? 'on' : 'off'}: ${defaultEngine}`
	};
}

function resolveGlobal(global: FlagView, userId: string | null): EngineChoice {
	const by = setter(global);
	// A GLOBAL flag naming the local engine is "off" whatever its percentage says.
	if (global.engine === 'local') {
		return { engine: 'local', rule: 'GLOBAL', explanation: `global flag set by ${by}: local` };
	}
	const percent = global.rolloutPercent;
	const rollout = `global rollout of the remote engine at ${percent}%, set by ${by}`;
	const engine: EngineName = inRollout(userId, percent) ? 'remote' : 'local';
	let why: string;
	if (percent >= 100) why = 'everyone is in it';
	else if (percent <= 0) why = 'no one is in it';
	else if (userId === null) why = 'a call for no user is not in a partial rollout';
	else {
		const bucket = rolloutBucket(userId);
		why = `this user's bucket ${bucket} is ${bucket < percent ? 'below' : 'not below'} ${percent}`;
	}
	return { engine, rule: 'GLOBAL', explanation: `${rollout}: ${why}: ${engine}` };
}
