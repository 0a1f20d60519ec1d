import { handleChangeRole } from "@/lib/admin/role";
import { answeringDatabaseOutage } from "@/lib/http/database-unavailable";

export const POST = answeringDatabaseOutage(async (request: Request, { params }: { params: Promise<{ userId: string }> }) =>
  handleChangeRole(request, (await params).userId),
);
