// admin.markets: what support staff read about markets beyond what traders see (SUPPORT or ADMIN).
// Changing a market is ADMIN work under markets.* (create, halt, reopen, close, resolve, void,
// setCloseTime); each change is in this audit.
import { router } from '../../../init';
import { supportProcedure } from '../../../procedures';
import { listMarketAudit } from './audit.handler';
import { marketAuditInput, marketAuditOutput } from './audit.schema';

export const adminMarketsRouter = router({
	audit: supportProcedure.input(marketAuditInput).output(marketAuditOutput).query(listMarketAudit)
});
