import { handleKickUser } from "@/lib/admin/kick";
import { answeringDatabaseOutage } from "@/lib/http/database-unavailable";

export const POST = answeringDatabaseOutage(async (request: Request, { params }: { params: Promise<{ userId: string }> }) =>
  handleKickUser(request, (await params).userId),
);
