import { handleAuditExport } from "@/lib/admin/audit-export";
import { answeringDatabaseOutage } from "@/lib/http/database-unavailable";

export const GET = answeringDatabaseOutage(handleAuditExport);
