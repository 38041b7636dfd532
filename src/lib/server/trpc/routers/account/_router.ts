import { router } from '../../init';
import { authedProcedure } from '../../procedures';
import { myBalance } from './balance.handler';
import { balanceOutput } from './balance.schema';
import { myLedger } from './ledger.handler';
import { ledgerInput, ledgerOutput } from './ledger.schema';

export const accountRouter = router({
	balance: authedProcedure.output(balanceOutput).query(myBalance),
	ledger: authedProcedure.input(ledgerInput).output(ledgerOutput).query(myLedger)
});
