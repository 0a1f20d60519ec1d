import { handleKickUser } from "@/lib/admin/kick";

export const POST = async (request: Request, { params }: { params: Promise<{ userId: string }> }) => handleKickUser(request, (await params).userId);
