import { handleGetRoster } from "@/lib/admin/roster";
import { answeringDatabaseOutage } from "@/lib/http/database-unavailable";

export const GET = answeringDatabaseOutage(handleGetRoster);
