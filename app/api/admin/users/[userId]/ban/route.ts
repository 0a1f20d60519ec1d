import { handleBanUser } from "@/lib/admin/ban";

export const POST = async (request: Request, { params }: { params: Promise<{ userId: string }> }) => handleBanUser(request, (await params).userId);
