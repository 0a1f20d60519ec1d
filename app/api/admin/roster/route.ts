import { handleGetRoster } from "@/lib/admin/roster-endpoint";
import { answeringDatabaseOutage } from "@/lib/http/database-unavailable";

export const GET = answeringDatabaseOutage(handleGetRoster);
