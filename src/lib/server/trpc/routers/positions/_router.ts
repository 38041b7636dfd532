import { router } from '../../init';
import { authedProcedure } from '../../procedures';
import { myPositions } from './mine.handler';
import { mineOutput } from './mine.schema';

export const positionsRouter = router({
	mine: authedProcedure.output(mineOutput).query(myPositions)
});
