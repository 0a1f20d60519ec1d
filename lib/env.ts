import "server-only";

import { parseEnv, type AppEnv } from "@/lib/config/env-schema";

/** The validated environment, parsed once per server process. */
export const env: AppEnv = parseEnv(process.env);
