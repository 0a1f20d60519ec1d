import { handleSendMessage } from "@/lib/admin/send-message";

export const POST = async (request: Request, { params }: { params: Promise<{ userId: string }> }) => handleSendMessage(request, (await params).userId);
