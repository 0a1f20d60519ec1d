/**
 * Prisma's PostgreSQL URLs carry `?schema=<name>`, which node-postgres does not understand (it
 * would silently use `public`). Split it off so the adapter and the migrator can apply it.
 */
export function postgresConnection(url: string): { connectionString: string; schema: string | undefined } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get("schema") ?? undefined;
  parsed.searchParams.delete("schema");
  return { connectionString: parsed.toString(), schema: schema === "" ? undefined : schema };
}
