// Prisma CLI configuration. Only `prisma generate` runs here: migrations are SQL files applied
// by our own migrator (src/lib/server/db/migrator.ts), which records them as Prisma does.
import { defineConfig } from 'prisma/config';

export default defineConfig({
	schema: 'prisma/schema.prisma',
	migrations: { path: 'prisma/migrations', seed: 'tsx prisma/seed.ts' },
	datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/betwise' }
});
