import { router } from '../../init';
import { authedProcedure } from '../../procedures';
import { myBalance } from './balance.handler';
import { balanceInput, balanceOutput } from './balance.schema';
import { myLedger } from './ledger.handler';
import { ledgerInput, ledgerOutput } from './ledger.schema';

export const accountRouter = router({
	balance: authedProcedure.input(balanceInput).output(balanceOutput).query(myBalance),
	ledger: authedProcedure.input(ledgerInput).output(ledgerOutput).query(myLedger)
});
