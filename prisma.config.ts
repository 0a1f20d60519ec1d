import { defineConfig } from "prisma/config";

// DATABASE_URL is read from process.env (not env()) so that `prisma generate` works without it.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
});
