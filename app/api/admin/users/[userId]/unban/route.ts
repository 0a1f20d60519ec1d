import { handleUnbanUser } from "@/lib/admin/unban";

export const POST = async (request: Request, { params }: { params: Promise<{ userId: string }> }) => handleUnbanUser(request, (await params).userId);
