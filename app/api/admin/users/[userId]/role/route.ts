import { handleChangeRole } from "@/lib/admin/role";

export const POST = async (request: Request, { params }: { params: Promise<{ userId: string }> }) => handleChangeRole(request, (await params).userId);
