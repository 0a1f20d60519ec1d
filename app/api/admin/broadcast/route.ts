import { handleBroadcast } from "@/lib/admin/broadcast";
import { answeringDatabaseOutage } from "@/lib/http/database-unavailable";

export const POST = answeringDatabaseOutage((request: Request) => handleBroadcast(request));
