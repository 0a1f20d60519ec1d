/**
 * The demo accounts and their default password: the one definition that the seed, the environment
 * check (production refuses the default), the login page and the tests import. No `server-only`
 * and no Prisma runtime (only its enums): the launcher scripts and the login page import it.
 */
import { Role } from "../generated/prisma/enums";

/** Printed in the README and on the development login page, so never acceptable in production. */
export const DEFAULT_DEMO_PASSWORD = "demo-password";

export const DEMO_ACCOUNTS = [
  { email: "admin@example.com", name: "Admin", role: Role.ADMIN },
  { email: "alice@example.com", name: "Alice", role: Role.USER },
  { email: "bob@example.com", name: "Bob", role: Role.USER },
] as const satisfies readonly { email: string; name: string; role: Role }[];
