/**
 * The one place app code imports database types from. They come from the SQLite client, which
 * describes both databases (see lib/db/create-client.ts).
 *
 *   import type { User, DatabaseClient } from "@/lib/db/model-types";
 *   import { Role, Prisma } from "@/lib/db/model-types";
 *
 * `Prisma.PrismaClientKnownRequestError` is the same class in both generated clients (it lives in
 * @prisma/client's runtime), so `instanceof` checks work whichever database is in use.
 */
export type { DatabaseClient } from "./create-client";
export { Prisma } from "@/lib/generated/prisma/client";
export { Role } from "@/lib/generated/prisma/enums";
export type { AuditLog, Message, RealtimeConnection, User } from "@/lib/generated/prisma/client";
