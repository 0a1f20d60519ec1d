import { handleAuditExport } from "@/lib/admin/audit-csv";
import { answeringDatabaseOutage } from "@/lib/http/database-unavailable";

export const GET = answeringDatabaseOutage(handleAuditExport);
