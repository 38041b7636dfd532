// admin.flags: the rollout flags for support staff (SUPPORT or ADMIN): read, change with a
// reason, explain a choice, and read the audit. Each procedure's input and output are in its schema.
import { router } from '../../../init';
import { listFlagAudit } from './audit.handler';
import { auditInput, auditOutput } from './audit.schema';
import { explainEngine } from './explain.handler';
import { explainInput, explainOutput } from './explain.schema';
import { flagChangeOutput } from './flag-view';
import { flagsProcedure } from './flags-procedure';
import { listFlags } from './list.handler';
import { listInput, listOutput } from './list.schema';
import { removeFlag } from './remove.handler';
import { removeInput } from './remove.schema';
import { setGlobalRollout } from './set-global.handler';
import { setGlobalInput } from './set-global.schema';
import { setMarketFlag } from './set-market.handler';
import { setMarketInput } from './set-market.schema';
import { setUserFlag } from './set-user.handler';
import { setUserInput } from './set-user.schema';

export const flagsRouter = router({
	list: flagsProcedure.input(listInput).output(listOutput).query(listFlags),
	setUser: flagsProcedure.input(setUserInput).output(flagChangeOutput).mutation(setUserFlag),
	setMarket: flagsProcedure.input(setMarketInput).output(flagChangeOutput).mutation(setMarketFlag),
	setGlobal: flagsProcedure
		.input(setGlobalInput)
		.output(flagChangeOutput)
		.mutation(setGlobalRollout),
	remove: flagsProcedure.input(removeInput).output(flagChangeOutput).mutation(removeFlag),
	explain: flagsProcedure.input(explainInput).output(explainOutput).query(explainEngine),
	audit: flagsProcedure.input(auditInput).output(auditOutput).query(listFlagAudit)
});
