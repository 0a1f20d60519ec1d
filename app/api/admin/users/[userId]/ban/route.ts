import { handleBanUser } from "@/lib/admin/ban-user";
import { answeringDatabaseOutage } from "@/lib/http/database-unavailable";

export const POST = answeringDatabaseOutage(async (request: Request, { params }: { params: Promise<{ userId: string }> }) =>
  handleBanUser(request, (await params).userId),
);
