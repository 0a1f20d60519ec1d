import { handleAuditExport } from "@/lib/admin/audit-csv";

export const GET = handleAuditExport;
