import { handleBroadcast } from "@/lib/admin/broadcast";

export const POST = (request: Request) => handleBroadcast(request);
