import { handleUnbanUser } from "@/lib/admin/unban";
import { answeringDatabaseOutage } from "@/lib/http/database-unavailable";

export const POST = answeringDatabaseOutage(async (request: Request, { params }: { params: Promise<{ userId: string }> }) =>
  handleUnbanUser(request, (await params).userId),
);
