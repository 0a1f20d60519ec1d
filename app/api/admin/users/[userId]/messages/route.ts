import { handleSendMessage } from "@/lib/admin/send-message";
import { answeringDatabaseOutage } from "@/lib/http/database-unavailable";

export const POST = answeringDatabaseOutage(async (request: Request, { params }: { params: Promise<{ userId: string }> }) =>
  handleSendMessage(request, (await params).userId),
);
