import { handleSignOutEverywhere } from "@/lib/admin/sign-out-everywhere";

export const POST = async (request: Request, { params }: { params: Promise<{ userId: string }> }) => handleSignOutEverywhere(request, (await params).userId);
