import { handleSignOutEverywhere } from "@/lib/admin/sign-out-everywhere";
import { answeringDatabaseOutage } from "@/lib/http/database-unavailable";

export const POST = answeringDatabaseOutage(async (request: Request, { params }: { params: Promise<{ userId: string }> }) =>
  handleSignOutEverywhere(request, (await params).userId),
);
