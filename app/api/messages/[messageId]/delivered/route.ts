import { handleReceipt } from "@/lib/messages/receipts";

export const POST = async (request: Request, { params }: { params: Promise<{ messageId: string }> }) =>
  handleReceipt(request, (await params).messageId, "delivered");
