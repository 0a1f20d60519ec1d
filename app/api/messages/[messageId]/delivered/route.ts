import { handleReceipt } from "@/lib/messages/receipt-handler";
import { answeringDatabaseOutage } from "@/lib/http/database-unavailable";

export const POST = answeringDatabaseOutage(async (request: Request, { params }: { params: Promise<{ messageId: string }> }) =>
  handleReceipt(request, (await params).messageId, "delivered"),
);
